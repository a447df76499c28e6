// Sign-in with a development identity (development and test only), and the customer's own pages:
// my reports (with reasons), my discounts (expiry, where used), links to my orders.
import { ApiError, must, type Discount, type Report } from "@clinic/client";
import { clear, field, formatDate, h, label, notice } from "../dom.ts";
import { go } from "../nav.ts";
import { money } from "../prices.ts";
import { api, identity, signIn } from "../session.ts";
import { reportStatus } from "./shop.ts";

export async function signInPage(view: HTMLElement, _p: Record<string, string>, query: URLSearchParams): Promise<string> {
  const next = query.get("next") ?? "#/me";
  const sub = h("input", { type: "text", name: "sub", autocomplete: "username", value: `customer-${Math.random().toString(36).slice(2, 8)}`, pattern: "[A-Za-z0-9._@:-]+" });
  const roles = h("fieldset", { class: "roles" }, h("legend", {}, "Roles"),
    ["customer", "ops", "moderator", "editor"].map((r) => h("label", { class: "check" },
      h("input", { type: "checkbox", name: "roles", value: r, checked: r === "customer" }), " ", r)));
  const status = h("div", { class: "status-slot" });
  const form = h("form", { class: "stack narrow" },
    notice("warn", h("strong", {}, "Development only. "),
      "This sign-in makes a test identity without a password. It exists only where the platform runs in development or test; in production customers sign in with the clinic's identity provider."),
    field("Identity (customer id)", sub, "Letters, digits and . _ @ : -", true), roles,
    h("button", { type: "submit" }, "Sign in (development)"), status);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const chosen = new FormData(form).getAll("roles").map(String);
    clear(status, notice("info", "Signing in…"));
    try {
      await signIn(sub.value.trim(), chosen.length ? chosen : ["customer"]);
      go(next);
    } catch (err) {
      const text = err instanceof ApiError && err.status === 404
        ? "Development sign-in is not available in this environment." : err instanceof Error ? err.message : "Sign-in failed.";
      clear(status, notice("error", text));
    }
  });
  clear(view, h("h1", {}, "Sign in"), form);
  return "Sign in";
}

function needSignIn(view: HTMLElement, title: string): string {
  clear(view, h("h1", {}, title), notice("info", "Please ", h("a", { href: `#/sign-in?next=${encodeURIComponent(location.hash)}` }, "sign in"), " first."));
  return title;
}

export async function me(view: HTMLElement): Promise<string> {
  const who = identity();
  if (!who) return needSignIn(view, "My account");
  clear(view, h("h1", {}, "My account"), h("p", {}, `Signed in as ${who.sub} (${who.roles.join(", ")}).`),
    h("ul", { class: "grid links" },
      h("li", { class: "card" }, h("h2", { class: "card-title" }, h("a", { href: "#/me/orders" }, "My orders")), h("p", { class: "muted" }, "What you bought and paid.")),
      h("li", { class: "card" }, h("h2", { class: "card-title" }, h("a", { href: "#/me/reports" }, "My price-match reports")), h("p", { class: "muted" }, "Lower prices you reported, and our decisions.")),
      h("li", { class: "card" }, h("h2", { class: "card-title" }, h("a", { href: "#/me/discounts" }, "My discounts")), h("p", { class: "muted" }, "Your price-match discounts and when they expire."))));
  return "My account";
}

export async function myReports(view: HTMLElement): Promise<string> {
  if (!identity()) return needSignIn(view, "My price-match reports");
  // The agreed path first; pricing's list (a customer sees their own there) when it is not served yet.
  const listed = await api.raw<{ items: Report[] }>("pricing", "GET", "/me/reports")
    .catch(() => must(api.pricing.GET("/price-match/reports", { params: { query: { limit: 50 } } })));
  const items = [...listed.items].sort((a, b) => b.created_at.localeCompare(a.created_at));
  clear(view, h("h1", {}, "My price-match reports"),
    items.length ? h("ul", { class: "plain" }, items.map((r) => h("li", { class: "card" },
      h("h2", { class: "card-title" }, h("a", { href: `#/reports/${r.id}` }, `${r.sku} at ${r.competitor_name}`)), reportStatus(r))))
      : notice("info", "You have not reported a lower price yet."),
    h("p", {}, h("a", { href: "#/price-match" }, "How the guarantee works")));
  return "My reports";
}

export async function myDiscounts(view: HTMLElement): Promise<string> {
  if (!identity()) return needSignIn(view, "My discounts");
  const listed = await must(api.pricing.GET("/discounts", { params: { query: { limit: 50 } } }));
  const items = listed.items as (Discount & { order_id?: string | null; region?: string })[];
  clear(view, h("h1", {}, "My discounts"),
    items.length ? h("table", { class: "lines" }, h("caption", { class: "sr-only" }, "Your discounts"),
      h("thead", {}, h("tr", {}, ["Treatment", "Off per unit", "You pay per unit", "Status", "Expires", "Used on"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, items.map((d) => {
        const used = d.order_id ?? d.redeemed_order_id;
        return h("tr", {}, h("td", {}, d.sku), h("td", {}, money(d.amount_off, d.currency)), h("td", {}, money(d.final_unit_price, d.currency)),
          h("td", {}, h("span", { class: `pill pill-${d.status}` }, label(d.status)), d.revoked_reason ? h("span", { class: "muted block" }, d.revoked_reason) : null),
          h("td", {}, formatDate(d.expires_at)), h("td", {}, used ? h("a", { href: `#/orders/${used}` }, "Order") : "—"));
      })))
      : notice("info", "No discounts yet. Found a lower price? ", h("a", { href: "#/treatments" }, "Report it from the treatment's page"), "."));
  return "My discounts";
}
