// Articles: the list and search, an article with its sections, review metadata, related
// treatments and their prices, its approved comments as threads, and the "Leave a Reply" form.
import { ApiError, formatMoney, must, type PublicComment } from "@clinic/client";
import { clear, field, formatDay, formatDate, h, label, notice, trustedHtml } from "../dom.ts";
import { go } from "../nav.ts";
import { api } from "../session.ts";

export async function articles(view: HTMLElement, _p: Record<string, string>, query: URLSearchParams): Promise<string> {
  const q = query.get("q") ?? "";
  const list = await must(api.content.GET("/articles", { params: { query: { q: q || undefined, limit: 50 } } }));
  const search = h("form", { class: "filters", role: "search", "aria-label": "Article search" },
    field("Search articles", h("input", { type: "search", name: "q", value: q })),
    h("div", { class: "field actions" }, h("button", { type: "submit" }, "Search")));
  search.addEventListener("submit", (e) => {
    e.preventDefault();
    const value = String(new FormData(search).get("q") ?? "").trim();
    go(value ? `#/articles?q=${encodeURIComponent(value)}` : "#/articles");
  });
  clear(view, h("h1", {}, "Patient education"), search,
    list.items.length ? h("ul", { class: "plain articles" }, list.items.map((a) => h("li", { class: "card" },
      h("h2", { class: "card-title" }, h("a", { href: `#/articles/${a.slug}` }, a.title)),
      h("p", {}, a.summary),
      h("p", { class: "muted" }, `By ${a.author}`, a.medical_reviewer ? ` · Medically reviewed by ${a.medical_reviewer}` : "",
        a.conditions.length ? ` · ${a.conditions.map(label).join(", ")}` : ""))))
      : notice("info", "No article matches."));
  return "Articles";
}

function thread(comments: PublicComment[]): HTMLElement {
  const children = new Map<string | null, PublicComment[]>();
  const ids = new Set(comments.map((c) => c.id));
  for (const c of comments) {
    const parent = c.parent_id && ids.has(c.parent_id) ? c.parent_id : null;
    children.set(parent, [...(children.get(parent) ?? []), c]);
  }
  const list = (parent: string | null, depth: number): HTMLElement | null => {
    const mine = children.get(parent);
    if (!mine?.length) return null;
    return h("ol", { class: depth ? "replies" : "comments" }, mine.map((c) => h("li", { class: "comment", id: `comment-${c.id}` },
      h("article", { "aria-label": `Comment by ${c.author_name}` },
        h("p", { class: "comment-meta" }, h("strong", {}, c.author_name), " ", h("time", { datetime: c.created_at }, formatDate(c.created_at))),
        h("div", { class: "comment-body" }, trustedHtml(c.body_html)),
        h("button", { type: "button", class: "link reply-link", "data-reply": c.id, "data-name": c.author_name }, "Reply")),
      list(c.id, depth + 1))));
  };
  return list(null, 0) ?? h("p", { class: "muted" }, "No comments yet. Be the first to leave a reply.");
}

function replyForm(slug: string): HTMLElement {
  const parent = h("input", { type: "hidden", name: "parent_id", value: "" });
  const replyingTo = h("p", { class: "replying", hidden: true });
  const honeypot = h("div", { class: "hp", "aria-hidden": "true" },
    h("label", { for: "c-hp" }, "Leave this empty"), h("input", { id: "c-hp", type: "text", name: "honeypot", tabindex: "-1", autocomplete: "off" }));
  const status = h("div", { class: "status-slot", id: "comment-outcome" });
  const form = h("form", { class: "stack reply", id: "respond", "aria-labelledby": "reply-title", novalidate: true },
    h("h2", { id: "reply-title" }, "Leave a Reply"),
    h("p", { class: "muted" }, "Your email address will not be published. Required fields are marked ", h("span", { class: "req" }, "*")),
    replyingTo, parent,
    field("Comment", h("textarea", { name: "body", rows: 6, maxlength: 5000 }), undefined, true),
    field("Name", h("input", { type: "text", name: "author_name", autocomplete: "name", maxlength: 100 }), undefined, true),
    field("Email", h("input", { type: "email", name: "email", autocomplete: "email", maxlength: 254 }), undefined, true),
    field("Website", h("input", { type: "url", name: "website", autocomplete: "url", placeholder: "https://" })),
    honeypot, h("button", { type: "submit" }, "Post Comment"), status);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const text = (k: string): string => String(data.get(k) ?? "").trim();
    const missing = [!text("body") && "a comment", !text("author_name") && "your name",
      !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(text("email")) && "a valid email"].filter(Boolean);
    if (missing.length) { clear(status, notice("error", `Please give ${missing.join(", ")}.`)); return; }
    const body: Record<string, string> = { body: text("body"), author_name: text("author_name"), email: text("email") };
    if (text("website")) body.website = text("website");
    if (text("parent_id")) body.parent_id = text("parent_id");
    if (text("honeypot")) body.honeypot = text("honeypot");
    clear(status, notice("info", "Sending…"));
    try {
      const receipt = await must(api.content.POST("/articles/{slug}/comments", { params: { path: { slug } }, body: body as never }));
      const kind = receipt.status === "approved" ? "ok" : receipt.status === "pending" ? "info" : "error";
      clear(status, notice(kind, h("strong", {}, receipt.status === "pending" ? "Awaiting moderation. " : receipt.status === "approved" ? "Published. " : "Not published. "),
        receipt.message, receipt.reasons.length ? h("ul", {}, receipt.reasons.map((r) => h("li", {}, r))) : null));
      if (receipt.status !== "rejected") form.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>("textarea").forEach((t) => (t.value = ""));
    } catch (err) {
      clear(status, notice("error", err instanceof ApiError ? err.message : "Your comment could not be sent."));
    }
  });
  form.addEventListener("reset", () => { parent.value = ""; replyingTo.hidden = true; });
  (form as HTMLFormElement & { replyTo?: (id: string, name: string) => void }).replyTo = (id, name) => {
    parent.value = id;
    clear(replyingTo, `Replying to ${name}. `, h("button", { type: "reset", class: "link" }, "Cancel reply"));
    replyingTo.hidden = false;
    form.querySelector("textarea")?.focus();
  };
  return form;
}

export async function article(view: HTMLElement, params: Record<string, string>): Promise<string> {
  const slug = params.slug!;
  const [a, comments] = await Promise.all([
    must(api.content.GET("/articles/{slug}", { params: { path: { slug } } })),
    must(api.content.GET("/articles/{slug}/comments", { params: { path: { slug }, query: { limit: 100 } } })),
  ]);
  const toc = h("nav", { class: "toc", "aria-label": "In this article" }, h("h2", {}, "In this article"),
    h("ol", {}, a.sections.map((s, i) => h("li", {}, h("a", { href: `#/articles/${slug}`, "data-section": `section-${i}` }, s.title)))));
  toc.addEventListener("click", (e) => {
    const target = (e.target as HTMLElement).closest("a");
    if (!target) return;
    e.preventDefault();
    document.getElementById(target.dataset.section ?? "")?.scrollIntoView();
  });
  const related = a.related_products.length ? h("aside", { class: "related", "aria-labelledby": "related-title" },
    h("h2", { id: "related-title" }, "Related treatments"),
    h("ul", { class: "plain" }, a.related_products.map((p) => h("li", { class: "card" },
      h("h3", { class: "card-title" }, h("a", { href: `#/treatments/${p.slug}` }, p.name)),
      h("ul", { class: "plain sku-prices" }, p.skus.map((s) => h("li", {}, s.label, " ", h("strong", {}, formatMoney(s.unit_price, s.currency))))))))) : null;
  const form = replyForm(slug);
  const threads = thread(comments.items);
  threads.addEventListener("click", (e) => {
    const button = (e.target as HTMLElement).closest<HTMLButtonElement>("button[data-reply]");
    if (button) (form as HTMLFormElement & { replyTo: (id: string, name: string) => void }).replyTo(button.dataset.reply!, button.dataset.name!);
  });
  clear(view, h("article", { class: "post" },
    h("nav", { class: "crumbs", "aria-label": "Breadcrumb" }, h("a", { href: "#/articles" }, "Articles"), " / ", a.title),
    h("h1", {}, a.title),
    h("p", { class: "review-meta" }, `By ${a.author}`,
      a.medical_reviewer ? [" · ", h("span", {}, `Medically reviewed by ${a.medical_reviewer}`)] : null,
      a.reviewed_at ? [" · ", h("span", {}, "Reviewed "), h("time", { datetime: a.reviewed_at }, formatDay(a.reviewed_at))] : null,
      a.published_at ? [" · ", h("span", {}, "Published "), h("time", { datetime: a.published_at }, formatDay(a.published_at))] : null),
    a.conditions.length ? h("p", { class: "tags" }, a.conditions.map((c) => h("span", { class: "tag" }, label(c)))) : null,
    h("div", { class: "columns article-columns" },
      h("div", { class: "article-body" },
        h("div", { class: "intro" }, trustedHtml(a.intro_html)),
        a.sections.map((s, i) => h("section", { id: `section-${i}`, "aria-labelledby": `section-${i}-title` },
          h(s.level <= 2 ? "h2" : "h3", { id: `section-${i}-title` }, s.title), h("div", {}, trustedHtml(s.html))))),
      h("div", { class: "article-side" }, toc, related))),
    h("section", { class: "discussion", "aria-labelledby": "comments-title" },
      h("h2", { id: "comments-title" }, `${comments.total} ${comments.total === 1 ? "comment" : "comments"}`), threads),
    form);
  return a.title;
}
