// Treatments: the list with its filters and prices, a treatment's page, the price-match form and
// a report's status.
import { ApiError, must, type Product, type Report } from "@clinic/client";
import { clear, field, formatDate, h, label, notice } from "../dom.ts";
import { go, rerender } from "../nav.ts";
import { money, priceOf } from "../prices.ts";
import { api, currentCart, identity } from "../session.ts";

const CONDITIONS = ["depression", "anxiety", "ptsd", "bipolar", "ocd", "chronic_pain", "suicidal_ideation"];
const ROUTES = ["IV", "IM", "sublingual", "intranasal"];
const CATEGORIES = ["evaluation", "infusion", "injection", "troche", "nasal_spray", "therapy", "membership"];
export const REGIONS = ["CA", "FL", "NY", "TX", "WA", "CO", "IL"];

export interface Policy { percent_off: number; per_unit_cap: number | null; max_units: number; window_days: number; discount_valid_days: number; after_purchase_window_days: number; excluded_price_kinds: string[] }
interface Eligible { id: string; name: string; domain: string }

export async function policy(): Promise<Policy | null> {
  return api.raw<Policy>("pricing", "GET", "/price-match/policy").catch(() => null);
}

function select(name: string, options: string[], chosen: string | null, blank: string): HTMLSelectElement {
  const el = h("select", { name, id: `filter-${name}` }, h("option", { value: "" }, blank),
    options.map((o) => h("option", { value: o, selected: o === chosen }, label(o))));
  return el;
}

async function priceLine(product: Product): Promise<HTMLElement> {
  const prices = await Promise.all(product.skus.map((s) => priceOf(s.sku)));
  const known = prices.filter((p) => p && p.for_sale).map((p) => p!);
  if (!known.length) return h("p", { class: "price muted" }, "Price on request");
  const lowest = known.reduce((a, b) => (a.unit_price <= b.unit_price ? a : b));
  return h("p", { class: "price" }, known.length > 1 ? "From " : "", h("strong", {}, money(lowest.unit_price, lowest.currency)));
}

function productCard(product: Product, price: HTMLElement): HTMLElement {
  return h("li", { class: "card product-card" },
    h("h2", { class: "card-title" }, h("a", { href: `#/treatments/${product.slug}` }, product.name)),
    h("p", { class: "tags" }, h("span", { class: "tag" }, label(product.category)),
      product.route ? h("span", { class: "tag" }, label(product.route)) : null,
      product.requires_evaluation ? h("span", { class: "tag tag-eval" }, "Requires an evaluation") : null),
    h("p", { class: "muted" }, product.conditions.map(label).join(", ")),
    price);
}

export async function home(view: HTMLElement): Promise<string> {
  const [list, articles] = await Promise.all([
    must(api.catalog.GET("/products", { params: { query: { limit: 6 } } })),
    must(api.content.GET("/articles", { params: { query: { limit: 3 } } })).catch(() => null),
  ]);
  const cards = await Promise.all(list.items.map(async (p) => productCard(p, await priceLine(p))));
  clear(view,
    h("section", { class: "hero" },
      h("h1", {}, "Mental health care online, at the lowest price"),
      h("p", {}, "Evaluations, ketamine treatments and therapy from licensed clinicians. Found a lower price at a licensed clinic? We give you 20% off the lower price."),
      h("p", {}, h("a", { class: "button", href: "#/treatments" }, "Browse treatments"), " ",
        h("a", { class: "button secondary", href: "#/price-match" }, "The price-match guarantee"))),
    h("section", { "aria-labelledby": "featured" }, h("h2", { id: "featured" }, "Treatments"), h("ul", { class: "grid" }, cards)),
    articles ? h("section", { "aria-labelledby": "reading" }, h("h2", { id: "reading" }, "Patient education"),
      h("ul", { class: "plain" }, articles.items.map((a) => h("li", {}, h("a", { href: `#/articles/${a.slug}` }, a.title), h("p", { class: "muted" }, a.summary))))) : null);
  return "";
}

export async function treatments(view: HTMLElement, _p: Record<string, string>, query: URLSearchParams): Promise<string> {
  const condition = query.get("condition"), route = query.get("route"), category = query.get("category"), q = query.get("q");
  const filters = h("form", { class: "filters", role: "search", "aria-label": "Treatment filters" },
    field("Condition", select("condition", CONDITIONS, condition, "Any condition")),
    field("Route", select("route", ROUTES, route, "Any route")),
    field("Category", select("category", CATEGORIES, category, "Any category")),
    field("Search", h("input", { type: "search", name: "q", value: q ?? "", placeholder: "e.g. troches" })),
    h("div", { class: "field actions" }, h("button", { type: "submit" }, "Apply filters"), " ",
      h("a", { href: "#/treatments" }, "Clear")));
  filters.addEventListener("submit", (e) => {
    e.preventDefault();
    const params = new URLSearchParams();
    for (const [k, v] of new FormData(filters)) if (typeof v === "string" && v.trim()) params.set(k, v.trim());
    go(`#/treatments${params.size ? `?${params}` : ""}`);
  });
  const search = {
    condition: condition ?? undefined, route: route ?? undefined, category: category ?? undefined, q: q ?? undefined, limit: 50,
  } as { condition?: "depression"; route?: "IV"; category?: "infusion"; q?: string; limit: number };
  const list = await must(api.catalog.GET("/products", { params: { query: search } }));
  const cards = await Promise.all(list.items.map(async (p) => productCard(p, await priceLine(p))));
  clear(view, h("h1", {}, "Treatments"), filters,
    h("p", { class: "muted", role: "status" }, `${list.total} ${list.total === 1 ? "treatment" : "treatments"}`),
    cards.length ? h("ul", { class: "grid" }, cards) : notice("info", "No treatment matches these filters."));
  return "Treatments";
}

export async function product(view: HTMLElement, params: Record<string, string>): Promise<string> {
  const p = await must(api.catalog.GET("/products/{slug}", { params: { path: { slug: params.slug! } } }));
  const prices = await Promise.all(p.skus.map((s) => priceOf(s.sku, true)));
  const status = h("div", { class: "status-slot" });
  const variants = h("fieldset", { class: "variants" }, h("legend", {}, "Choose a variant"),
    p.skus.map((s, i) => {
      const price = prices[i];
      const details = [s.dose, s.sessions ? `${s.sessions} session${s.sessions > 1 ? "s" : ""}` : null,
        s.supply_days ? `${s.supply_days}-day supply` : null].filter(Boolean).join(" · ");
      return h("label", { class: "variant" },
        h("input", { type: "radio", name: "sku", value: s.sku, checked: i === 0 }),
        h("span", { class: "variant-name" }, s.label), details ? h("span", { class: "muted" }, details) : null,
        h("span", { class: "variant-price" }, price?.for_sale ? money(price.unit_price, price.currency) : "Not for sale"));
    }));
  const quantity = h("input", { type: "number", name: "quantity", min: 1, max: 99, value: 1, inputmode: "numeric" });
  const form = h("form", { class: "buy" }, variants, field("Quantity", quantity),
    h("button", { type: "submit" }, "Add to cart"));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const sku = String(new FormData(form).get("sku"));
    clear(status, notice("info", "Adding…"));
    try {
      const cart = await currentCart();
      await must(api.cart.POST("/carts/{cart_id}/items", { params: { path: { cart_id: cart!.id } }, body: { sku, quantity: Number(quantity.value) || 1 } }));
      clear(status, notice("ok", "Added to your cart. ", h("a", { href: "#/cart" }, "View cart")));
    } catch (err) {
      clear(status, notice("error", err instanceof ApiError ? err.message : "Could not add it to the cart."));
    }
  });
  const chosenSku = (): string => String(new FormData(form).get("sku") ?? p.skus[0]?.sku ?? "");
  clear(view,
    h("nav", { class: "crumbs", "aria-label": "Breadcrumb" }, h("a", { href: "#/treatments" }, "Treatments"), " / ", p.name),
    h("h1", {}, p.name),
    h("p", { class: "tags" }, h("span", { class: "tag" }, label(p.category)), p.route ? h("span", { class: "tag" }, label(p.route)) : null),
    p.requires_evaluation ? notice("warn", h("strong", {}, "Requires an evaluation. "),
      "You can buy this treatment once you have a paid ", h("a", { href: "#/treatments/initial-psychiatric-evaluation" }, "initial evaluation"), " on file.") : null,
    h("div", { class: "columns" },
      h("div", {}, h("p", { class: "lead" }, p.description),
        h("h2", {}, "Conditions treated"), h("ul", {}, p.conditions.map((c) => h("li", {}, label(c)))),
        h("h2", {}, "Where it is available"), h("p", {}, p.regions.join(", "))),
      h("div", { class: "panel" }, form, status,
        h("p", { class: "pm-cta" }, "Found it cheaper? ",
          h("a", { href: `#/price-match/new?sku=${encodeURIComponent(p.skus[0]?.sku ?? "")}`, id: "price-match-link",
            onclick: (e: Event) => { e.preventDefault(); go(`#/price-match/new?sku=${encodeURIComponent(chosenSku())}&product=${p.slug}`); } },
            "Report a lower price")))));
  return p.name;
}

export async function guarantee(view: HTMLElement): Promise<string> {
  const pol = await policy();
  clear(view, h("h1", {}, "Our price-match guarantee"),
    h("p", { class: "lead" }, "We guarantee to be the most affordable online mental health clinic. If you find a better price, we'll give you 20% off!"),
    h("ul", {},
      h("li", {}, `You pay ${pol?.percent_off ?? 20}% less than the lower of our current price and the price you found, rounded in your favour.`),
      h("li", {}, "The other provider must be a licensed online clinic in your state (not a marketplace or a coupon site), for the same drug, route, dose and quantity."),
      h("li", {}, "Send a link to the price on their own site; a quote or a very low price is checked by a person."),
      pol ? h("li", {}, `A discount is valid for ${Math.round(pol.discount_valid_days)} days, for up to ${pol.max_units} units`,
        pol.per_unit_cap ? `, at most ${money(pol.per_unit_cap)} off per unit` : "", ", in the state of your report.") : null,
      pol ? h("li", {}, `Already bought it? Within ${Math.round(pol.after_purchase_window_days)} days of paying, an approved report refunds the difference.`) : null,
      pol ? h("li", {}, `Excluded: ${pol.excluded_price_kinds.map(label).join(", ")} prices.`) : null),
    h("p", {}, h("a", { class: "button", href: "#/treatments" }, "Find your treatment"), " and choose “Report a lower price”."));
  return "Price-match guarantee";
}

export async function priceMatchForm(view: HTMLElement, _p: Record<string, string>, query: URLSearchParams): Promise<string> {
  if (!identity()) {
    clear(view, h("h1", {}, "Report a lower price"), notice("info", "Please ",
      h("a", { href: `#/sign-in?next=${encodeURIComponent(location.hash)}` }, "sign in"), " to report a lower price."));
    return "Report a lower price";
  }
  const skuParam = query.get("sku") ?? "";
  const [list, eligible, pol] = await Promise.all([
    must(api.catalog.GET("/products", { params: { query: { limit: 100 } } })),
    api.raw<{ items: Eligible[] }>("pricing", "GET", "/competitors/eligible").catch(() => null),
    policy(),
  ]);
  const skus = list.items.flatMap((p) => p.skus.map((s) => ({ sku: s.sku, name: `${p.name}: ${s.label}`, dose: s.dose, qty: s.sessions ?? s.supply_days })));
  const mine = skus.find((s) => s.sku === skuParam);
  const ours = await priceOf(skuParam);
  const skuSelect = h("select", { name: "sku" }, skus.map((s) => h("option", { value: s.sku, selected: s.sku === skuParam }, s.name)));
  const competitor = eligible
    ? h("select", { name: "competitor_id" }, h("option", { value: "" }, "Choose a provider"),
        eligible.items.map((c) => h("option", { value: c.id, "data-name": c.name, "data-domain": c.domain }, `${c.name} (${c.domain})`)))
    : h("input", { type: "text", name: "competitor_name", autocomplete: "organization" });
  const url = h("input", { type: "url", name: "competitor_url", placeholder: "https://" });
  const price = h("input", { type: "text", name: "competitor_price", inputmode: "decimal", placeholder: "e.g. 179.00" });
  const proof = h("input", { type: "url", name: "proof_url", placeholder: "https://" });
  const quote = h("input", { type: "text", name: "quote_ref" });
  const region = h("select", { name: "region" }, REGIONS.map((r) => h("option", { value: r }, r)));
  const kind = h("select", { name: "price_kind" }, ["regular", "membership", "introductory", "bundle"].map((k) => h("option", { value: k }, k)));
  const extra = pol ? [
    field("Their product name", h("input", { type: "text", name: "competitor_product" }), "As it is named on their site"),
    field("Strength or dose", h("input", { type: "text", name: "competitor_strength", placeholder: "e.g. 100 mg" }),
      mine?.dose ? `Ours: ${mine.dose}` : undefined),
    field("Quantity (sessions or days of supply)", h("input", { type: "number", name: "competitor_quantity", min: 1 }),
      mine?.qty ? `Ours: ${mine.qty}` : undefined),
  ] : [];
  const status = h("div", { class: "status-slot" });
  const form = h("form", { class: "stack", novalidate: true },
    field("Our treatment", skuSelect, ours ? `Our price today: ${money(ours.unit_price, ours.currency)}` : undefined, true),
    field(eligible ? "Provider" : "Provider's name", competitor, eligible ? "Licensed online clinics we match" : undefined, true),
    field("Page with their price", url, "The address of the offer on their own site", true),
    ...extra,
    field("Their price (USD)", price, undefined, true),
    field("Kind of price", kind),
    field("Proof: link to the price", proof, "A link on their site that shows the price"),
    field("Or a quote reference", quote),
    field("Your state", region, undefined, true),
    h("button", { type: "submit" }, "Send report"), status);
  if (eligible && competitor instanceof HTMLSelectElement) {
    competitor.addEventListener("change", () => {
      const opt = competitor.selectedOptions[0];
      if (opt?.dataset.domain && !url.value) url.value = `https://${opt.dataset.domain}/`;
    });
  }
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const cents = Math.round(Number(String(data.get("competitor_price")).replace(/[$,\s]/g, "")) * 100);
    const chosen = competitor instanceof HTMLSelectElement ? competitor.selectedOptions[0] : null;
    const name = chosen ? chosen.dataset.name ?? "" : String(data.get("competitor_name") ?? "").trim();
    const problems = [!name && "Choose or name the provider.", !url.value && "Give the page with their price.",
      !(cents > 0) && "Give their price, e.g. 179.00.", !proof.value && !quote.value && "Give a link to the price or a quote reference."].filter(Boolean);
    if (problems.length) { clear(status, notice("error", problems.join(" "))); return; }
    const body: Record<string, unknown> = {
      sku: data.get("sku"), competitor_name: name, competitor_url: url.value.trim(), competitor_price: cents, currency: "USD",
      region: data.get("region"), observed_at: new Date().toISOString(), price_kind: data.get("price_kind"),
    };
    if (chosen?.value) body.competitor_id = chosen.value;
    if (proof.value) body.proof_url = proof.value.trim();
    if (quote.value) body.quote_ref = quote.value.trim();
    for (const k of ["competitor_product", "competitor_strength"]) { const v = String(data.get(k) ?? "").trim(); if (v) body[k] = v; }
    const qty = Number(data.get("competitor_quantity")); if (qty > 0) body.competitor_quantity = qty;
    clear(status, notice("info", "Sending…"));
    try {
      const report = await api.raw<Report>("pricing", "POST", "/price-match/reports", body);
      go(`#/reports/${report.id}`);
    } catch (err) {
      clear(status, notice("error", err instanceof ApiError ? err.message : "The report could not be sent."));
    }
  });
  clear(view, h("h1", {}, "Report a lower price"),
    h("p", { class: "lead" }, `Found this treatment for less at a licensed online clinic? We take ${pol?.percent_off ?? 20}% off the lower price.`),
    eligible ? null : notice("info", "The list of providers we match is not available right now: please type the provider's name."),
    form);
  return "Report a lower price";
}

const STATUS_TEXT: Record<string, string> = {
  approved: "Approved: your discount is in your cart.", rejected: "Not approved.",
  needs_review: "A person is checking your report; we will decide soon.", received: "Received: being checked.",
};

export function reportStatus(report: Report): HTMLElement {
  return h("div", { class: `report report-${report.status}` },
    h("p", { class: "report-status" }, h("span", { class: `pill pill-${report.status}` }, label(report.status)), " ", STATUS_TEXT[report.status] ?? ""),
    h("dl", { class: "facts" },
      h("dt", {}, "Treatment"), h("dd", {}, report.sku),
      h("dt", {}, "Provider"), h("dd", {}, report.competitor_name),
      h("dt", {}, "Their price"), h("dd", {}, money(report.competitor_price, report.currency)),
      h("dt", {}, "Sent"), h("dd", {}, formatDate(report.created_at)),
      report.decided_at ? [h("dt", {}, "Decided"), h("dd", {}, formatDate(report.decided_at))] : null),
    report.reasons.length ? [h("h2", {}, "Reasons"), h("ul", { class: "reasons" }, report.reasons.map((r) => h("li", {}, r)))] : null);
}

export async function report(view: HTMLElement, params: Record<string, string>): Promise<string> {
  const r = await must(api.pricing.GET("/price-match/reports/{report_id}", { params: { path: { report_id: params.id! } } }));
  clear(view, h("h1", {}, "Your price-match report"), reportStatus(r),
    h("p", {}, r.status === "approved" ? h("a", { class: "button", href: "#/cart" }, "Go to your cart") : null, " ",
      h("a", { href: "#/me/reports" }, "All my reports"), " ",
      r.status === "received" || r.status === "needs_review" ? h("button", { type: "button", class: "link", onclick: () => rerender() }, "Refresh") : null));
  return "Price-match report";
}
