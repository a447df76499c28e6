// The ops console (ops and moderator roles): price-match review queue, competitors, prices,
// comment moderation, dead letters and the key figures of every service.
import { ApiError, must, SERVICES, type OpsFigures, type Report } from "@clinic/client";
import { clear, field, formatDate, h, label, notice, trustedHtml } from "../dom.ts";
import { rerender } from "../nav.ts";
import { clearPrices, money, priceOf } from "../prices.ts";
import { api, hasRole, identity } from "../session.ts";

const TABS: [string, string, string][] = [
  ["reports", "Review queue", "ops"], ["competitors", "Competitors", "ops"], ["prices", "Prices", "ops"],
  ["comments", "Comments", "moderator"], ["dead-letters", "Dead letters", "ops"], ["figures", "Key figures", "ops"]];

function shell(view: HTMLElement, current: string, title: string, ...body: (Node | null)[]): string {
  clear(view, h("h1", {}, `Ops console: ${title}`),
    h("nav", { class: "tabs", "aria-label": "Ops console" }, h("ul", {}, TABS.filter(([, , role]) => hasRole(role)).map(([id, name]) =>
      h("li", {}, h("a", { href: `#/ops/${id}`, "aria-current": id === current ? "page" : null }, name))))),
    ...body);
  return `Ops: ${title}`;
}

function guard(view: HTMLElement, role: string): boolean {
  if (hasRole(role)) return true;
  clear(view, h("h1", {}, "Ops console"), notice("info", identity()
    ? `This page needs the ${role} role. `
    : "The ops console is for the clinic's ops and moderator roles. ",
    h("a", { href: `#/sign-in?next=${encodeURIComponent(location.hash)}` }, "Sign in with a development identity"), "."));
  return false;
}

function problemText(err: unknown): string {
  return err instanceof ApiError ? err.message : "The request failed.";
}

export async function opsHome(view: HTMLElement): Promise<string> {
  if (!hasRole("ops") && !hasRole("moderator")) { guard(view, "ops"); return "Ops console"; }
  location.replace(hasRole("ops") ? "#/ops/reports" : "#/ops/comments");
  return "Ops console";
}

function decide(r: Report, status: HTMLElement): HTMLElement {
  const reason = h("input", { type: "text", name: "reason", maxlength: 500, id: `reason-${r.id}` });
  const act = (action: "approve" | "reject") => async () => {
    if (!reason.value.trim()) { clear(status, notice("error", "Give a reason for the decision.")); reason.focus(); return; }
    try {
      await must(api.pricing.POST(`/price-match/reports/{report_id}/${action}`, { params: { path: { report_id: r.id } }, body: { reason: reason.value.trim() } }));
      clear(status, notice("ok", action === "approve" ? "Approved." : "Rejected."));
      rerender();
    } catch (err) { clear(status, notice("error", problemText(err))); }
  };
  return h("div", { class: "decide" }, field("Reason (shown to the customer)", reason, undefined, true),
    h("div", { class: "row" }, h("button", { type: "button", onclick: act("approve") }, "Approve"), " ",
      h("button", { type: "button", class: "danger", onclick: act("reject") }, "Reject")));
}

export async function opsReports(view: HTMLElement): Promise<string> {
  if (!guard(view, "ops")) return "Ops console";
  const [queue, figures] = await Promise.all([
    must(api.pricing.GET("/price-match/reports", { params: { query: { status: "needs_review", limit: 100 } } })),
    api.raw<Record<string, number | null>>("pricing", "GET", "/ops/price-match/figures").catch(() => null),
  ]);
  const rows = await Promise.all(queue.items.map(async (r) => {
    const ours = await priceOf(r.sku);
    const status = h("div", { class: "status-slot" });
    return h("li", { class: "card review", id: `report-${r.id}` },
      h("h2", { class: "card-title" }, `${r.sku}: ${r.competitor_name}`),
      h("dl", { class: "facts" },
        h("dt", {}, "Their price"), h("dd", {}, money(r.competitor_price, r.currency)),
        h("dt", {}, "Our price"), h("dd", {}, ours ? money(ours.unit_price, ours.currency) : "—"),
        h("dt", {}, "Page"), h("dd", {}, h("a", { href: r.competitor_url, rel: "noopener noreferrer nofollow" }, r.competitor_url)),
        h("dt", {}, "Customer"), h("dd", {}, r.customer_id ?? ""), h("dt", {}, "State"), h("dd", {}, r.region),
        h("dt", {}, "Waiting since"), h("dd", {}, formatDate(r.created_at))),
      h("h3", {}, "Why it needs a person"), h("ul", { class: "reasons" }, r.reasons.map((x) => h("li", {}, x))),
      decide(r, status), status);
  }));
  return shell(view, "reports", "review queue",
    figures ? h("p", { class: "muted" }, `Backlog ${figures.review_backlog ?? 0}; oldest waiting ${seconds(figures.oldest_wait_seconds)}; decision time p50 ${seconds(figures.decision_seconds_p50)}, p95 ${seconds(figures.decision_seconds_p95)}.`) : null,
    rows.length ? h("ul", { class: "plain" }, rows) : notice("ok", "No report waits for review."));
}

export async function opsCompetitors(view: HTMLElement): Promise<string> {
  if (!guard(view, "ops")) return "Ops console";
  const list = await must(api.pricing.GET("/competitors", {}));
  const status = h("div", { class: "status-slot" });
  const form = h("form", { class: "stack narrow" }, h("h2", {}, "Add a provider"),
    field("Name", h("input", { type: "text", name: "name" }), undefined, true),
    field("Domain", h("input", { type: "text", name: "domain", placeholder: "clinic.example" }), undefined, true),
    field("Kind", h("select", { name: "kind" }, ["licensed_clinic", "marketplace", "coupon_site"].map((k) => h("option", { value: k }, label(k))))),
    field("Licensed in (states, comma separated)", h("input", { type: "text", name: "licensed_regions", placeholder: "CA, NY" })),
    h("button", { type: "submit" }, "Add provider"), status);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const d = new FormData(form);
    try {
      await must(api.pricing.POST("/competitors", { body: {
        active: true, name: String(d.get("name")).trim(), domain: String(d.get("domain")).trim(), kind: String(d.get("kind")) as "licensed_clinic",
        licensed_regions: String(d.get("licensed_regions")).split(",").map((s) => s.trim().toUpperCase()).filter(Boolean) as never } }));
      rerender();
    } catch (err) { clear(status, notice("error", problemText(err))); }
  });
  return shell(view, "competitors", "competitors",
    h("table", { class: "lines" }, h("caption", { class: "sr-only" }, "Providers"),
      h("thead", {}, h("tr", {}, ["Name", "Domain", "Kind", "Licensed in", "Eligible", ""].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, list.items.map((c) => h("tr", {}, h("td", {}, c.name), h("td", {}, c.domain), h("td", {}, label(c.kind)),
        h("td", {}, c.licensed_regions.join(", ")), h("td", {}, c.eligible ? "Yes" : "No"),
        h("td", {}, h("button", { type: "button", class: "link", onclick: async () => {
          await must(api.pricing.PATCH("/competitors/{competitor_id}", { params: { path: { competitor_id: c.id } }, body: { active: !c.active } })).catch(() => undefined);
          rerender();
        } }, c.active ? "Deactivate" : "Activate", h("span", { class: "sr-only" }, ` ${c.name}`))))))),
    form);
}

export async function opsPrices(view: HTMLElement): Promise<string> {
  if (!guard(view, "ops")) return "Ops console";
  clearPrices();
  const products = await must(api.catalog.GET("/products", { params: { query: { limit: 100 } } }));
  const rows = await Promise.all(products.items.flatMap((p) => p.skus.map(async (s) => {
    const price = await priceOf(s.sku);
    const input = h("input", { type: "text", inputmode: "decimal", value: price ? (price.unit_price / 100).toFixed(2) : "", "aria-label": `New price of ${s.sku} in USD`, class: "price-input" });
    const status = h("span", { class: "status-inline", role: "status" });
    const save = h("button", { type: "button", onclick: async () => {
      const cents = Math.round(Number(input.value) * 100);
      if (!(cents > 0)) { status.textContent = "Give a price above zero."; return; }
      try {
        await must(api.pricing.PUT("/prices/{sku}", { params: { path: { sku: s.sku } }, body: { unit_price: cents, currency: "USD" } }));
        status.textContent = "Saved.";
      } catch (err) { status.textContent = problemText(err); }
    } }, "Save", h("span", { class: "sr-only" }, ` ${s.sku}`));
    return h("tr", {}, h("td", {}, p.name, h("span", { class: "muted block" }, s.label)), h("td", {}, h("code", {}, s.sku)),
      h("td", {}, price ? money(price.unit_price, price.currency) : "—"), h("td", {}, input, " ", save, " ", status));
  })));
  return shell(view, "prices", "prices", h("table", { class: "lines" }, h("caption", { class: "sr-only" }, "Prices"),
    h("thead", {}, h("tr", {}, ["Treatment", "SKU", "Current", "Change"].map((t) => h("th", { scope: "col" }, t)))), h("tbody", {}, rows)));
}

export async function opsComments(view: HTMLElement, _p: Record<string, string>, query: URLSearchParams): Promise<string> {
  if (!guard(view, "moderator")) return "Ops console";
  const status = (query.get("status") ?? "pending") as "pending";
  const list = await must(api.content.GET("/moderation/comments", { params: { query: { status, limit: 100 } } }));
  const act = (id: string, action: "approve" | "reject" | "spam", slot: HTMLElement) => async () => {
    try {
      await must(api.content.POST(`/moderation/comments/{comment_id}/${action}`, { params: { path: { comment_id: id } } }));
      rerender();
    } catch (err) { clear(slot, notice("error", problemText(err))); }
  };
  return shell(view, "comments", "comments",
    h("p", {}, ["pending", "approved", "rejected", "spam"].map((s) => [h("a", { href: `#/ops/comments?status=${s}`, "aria-current": s === status ? "page" : null }, label(s)), " "])),
    list.items.length ? h("ul", { class: "plain" }, list.items.map((c) => {
      const slot = h("div", { class: "status-slot" });
      return h("li", { class: "card", id: `moderate-${c.id}` },
        h("p", { class: "comment-meta" }, h("strong", {}, c.author_name), c.website ? [" · ", c.website] : null, " on ",
          h("a", { href: `#/articles/${c.article_slug}` }, c.article_slug), " · ", formatDate(c.created_at)),
        h("div", { class: "comment-body" }, trustedHtml(c.body_html)),
        c.reasons.length ? h("ul", { class: "reasons" }, c.reasons.map((r) => h("li", {}, r))) : null,
        status === "pending" ? h("div", { class: "row" },
          h("button", { type: "button", onclick: act(c.id, "approve", slot) }, "Approve"), " ",
          h("button", { type: "button", class: "secondary", onclick: act(c.id, "reject", slot) }, "Reject"), " ",
          h("button", { type: "button", class: "danger", onclick: act(c.id, "spam", slot) }, "Spam")) : null, slot);
    })) : notice("ok", `No ${label(status)} comments.`));
}

interface DeadLetter { topic?: string; offset?: number; partition?: number; error?: string; event_type?: string; failed_at?: string; [k: string]: unknown }

export async function opsDeadLetters(view: HTMLElement): Promise<string> {
  if (!guard(view, "ops")) return "Ops console";
  const sections = await Promise.all(SERVICES.map(async (svc) => {
    const answer = await api.raw<{ items: DeadLetter[] }>(svc, "GET", "/ops/dead-letters").catch((e: unknown) => e);
    const slot = h("div", { class: "status-slot" });
    if (answer instanceof Error) {
      return h("section", { "aria-labelledby": `dl-${svc}` }, h("h2", { id: `dl-${svc}` }, svc),
        notice("info", answer instanceof ApiError && answer.status === 404 ? "This service does not serve its dead letters yet." : problemText(answer)));
    }
    const items = (answer as { items: DeadLetter[] }).items ?? [];
    const topics = [...new Set(items.map((d) => d.topic).filter((t): t is string => !!t))];
    const replay = (topic: string, dry: boolean) => async () => {
      try {
        const result = await api.raw<{ replayed?: number; groups?: string[] }>(svc, "POST", "/ops/dead-letters/replay", { topic, dry_run: dry });
        const count = result.replayed ?? 0;
        clear(slot, notice("ok", `${dry ? "Dry run: would replay" : "Replayed"} ${count} ${count === 1 ? "message" : "messages"} of ${topic}` +
          (result.groups?.length ? ` to ${result.groups.join(", ")}.` : ".")));
        if (!dry) rerender();
      } catch (err) { clear(slot, notice("error", problemText(err))); }
    };
    return h("section", { "aria-labelledby": `dl-${svc}` }, h("h2", { id: `dl-${svc}` }, svc),
      items.length ? h("table", { class: "lines" }, h("caption", { class: "sr-only" }, `Dead letters of ${svc}`),
        h("thead", {}, h("tr", {}, ["Topic", "Group", "Event", "Error", "When"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, items.slice(0, 50).map((d) => h("tr", {}, h("td", {}, d.topic ?? "", h("span", { class: "muted block" }, `partition ${d.partition ?? "?"}, offset ${d.offset ?? "?"}`)),
          h("td", {}, String(d.group ?? "")), h("td", {}, String(d.event_type ?? "")),
          h("td", {}, String(d.error ?? "")), h("td", {}, formatDate(d.failed_at as string | undefined))))))
        : notice("ok", "No dead letters."),
      topics.map((t) => h("p", { class: "row" }, h("button", { type: "button", class: "secondary", onclick: replay(t, true) }, `Dry run ${t}`), " ",
        h("button", { type: "button", onclick: replay(t, false) }, `Replay ${t}`))), slot);
  }));
  return shell(view, "dead-letters", "dead letters", ...sections);
}

function seconds(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  if (value < 90) return `${Math.round(value)} s`;
  if (value < 5400) return `${Math.round(value / 60)} min`;
  return `${(value / 3600).toFixed(1)} h`;
}

export async function opsFigures(view: HTMLElement): Promise<string> {
  if (!guard(view, "ops")) return "Ops console";
  const [figures, review] = await Promise.all([
    Promise.all(SERVICES.map((svc) => api.raw<OpsFigures>(svc, "GET", "/ops/figures").catch(() => null))),
    api.raw<Record<string, number | null>>("pricing", "GET", "/ops/price-match/figures").catch(() => null),
  ]);
  return shell(view, "figures", "key figures",
    h("section", { "aria-labelledby": "fig-review" }, h("h2", { id: "fig-review" }, "Price-match reviews"),
      review ? h("dl", { class: "figures" },
        h("div", {}, h("dt", {}, "Review backlog"), h("dd", {}, String(review.review_backlog ?? 0))),
        h("div", {}, h("dt", {}, "Oldest wait"), h("dd", {}, seconds(review.oldest_wait_seconds))),
        h("div", {}, h("dt", {}, "Decision time p50"), h("dd", {}, seconds(review.decision_seconds_p50))),
        h("div", {}, h("dt", {}, "Decision time p95"), h("dd", {}, seconds(review.decision_seconds_p95))))
        : notice("info", "Pricing does not serve its review figures yet.")),
    h("section", { "aria-labelledby": "fig-plumbing" }, h("h2", { id: "fig-plumbing" }, "Events"),
      h("table", { class: "lines" }, h("caption", { class: "sr-only" }, "Outbox and consumers per service"),
        h("thead", {}, h("tr", {}, ["Service", "Outbox backlog", "Oldest unsent", "Consumer lag", "Dead-lettered"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, SERVICES.map((svc, i) => {
          const f = figures[i];
          if (!f) return h("tr", {}, h("td", {}, svc), h("td", { colspan: 4 }, "Not answering"));
          const lag = f.consumer_lag.reduce((n, t) => n + t.lag, 0);
          return h("tr", {}, h("td", {}, svc), h("td", {}, String(f.outbox_backlog)), h("td", {}, seconds(f.outbox_oldest_age_seconds)),
            h("td", {}, f.consumer_lag.length ? `${lag} (${f.consumer_lag.map((t) => `${t.topic}: ${t.lag}`).join(", ")})` : "0"),
            h("td", {}, String(f.dead_lettered)));
        })))));
}
