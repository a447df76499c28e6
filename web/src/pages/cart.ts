// The cart (prices seen and current, discounts as old and new price), checkout with a Stripe test
// card, the order page, and "my orders".
import { ApiError, must, type Cart, type CartLine, type Order } from "@clinic/client";
import { clear, field, formatDate, h, label, notice } from "../dom.ts";
import { go, rerender, sleep } from "../nav.ts";
import { money } from "../prices.ts";
import { api, currentCart, currentCartToken, forgetCart, getOrder, identity, knownOrders, rememberOrder } from "../session.ts";
import { REGIONS } from "./shop.ts";

interface Payments { mode: "stripe" | "localstripe" | "none"; api?: string; key?: string }
let payments: Promise<Payments> | null = null;
function paymentsConfig(): Promise<Payments> {
  payments ??= fetch("/config.json").then((r) => r.json() as Promise<{ payments: Payments }>).then((c) => c.payments)
    .catch(() => ({ mode: "none" as const }));
  return payments;
}

function priceCell(line: CartLine): HTMLElement {
  const cell = h("div", { class: "line-price" });
  if (line.discount > 0) {
    cell.append(h("del", { "aria-label": `was ${money(line.unit_price, line.currency)}` }, money(line.unit_price, line.currency)), " ",
      h("ins", { class: "new-price", "aria-label": `now ${money(line.final_unit_price, line.currency)}` }, money(line.final_unit_price, line.currency)),
      h("span", { class: "saving" }, `You save ${money(line.discount, line.currency)} each (price match)`));
  } else {
    cell.append(h("span", {}, money(line.unit_price, line.currency)));
  }
  if (line.price_changed) {
    cell.append(h("span", { class: "changed" }, `You saw ${money(line.unit_price_seen, line.currency)}; the price is now ${money(line.unit_price, line.currency)}.`));
  }
  return cell;
}

function lineRow(cart: Cart, line: CartLine): HTMLElement {
  const qty = h("input", { type: "number", min: 1, max: 99, value: line.quantity, "aria-label": `Quantity of ${line.name}`, class: "qty" });
  qty.addEventListener("change", async () => {
    await must(api.cart.PATCH("/carts/{cart_id}/items/{line_id}", { params: { path: { cart_id: cart.id, line_id: line.id } }, body: { quantity: Number(qty.value) || 1 } })).catch(() => undefined);
    rerender();
  });
  return h("li", { class: "cart-line" },
    h("div", { class: "line-name" }, h("strong", {}, line.name), h("span", { class: "muted" }, line.sku),
      !line.available ? h("span", { class: "changed" }, "No longer available") : null,
      line.notices.map((n) => h("span", { class: "changed" }, n))),
    priceCell(line),
    h("div", { class: "line-qty" }, qty),
    h("div", { class: "line-total" }, money(line.line_total, line.currency)),
    h("button", { type: "button", class: "link", onclick: async () => {
      await api.cart.DELETE("/carts/{cart_id}/items/{line_id}", { params: { path: { cart_id: cart.id, line_id: line.id } } });
      rerender();
    } }, "Remove", h("span", { class: "sr-only" }, ` ${line.name}`)));
}

export async function cart(view: HTMLElement): Promise<string> {
  const c = await currentCart(false);
  if (!c || c.is_empty) {
    clear(view, h("section", { class: "empty-cart" },
      h("h1", {}, "Your Cart is empty!"),
      h("p", {}, "It looks like you haven't added any items to your cart yet."),
      h("p", {}, h("a", { class: "button", href: "#/treatments" }, "Browse Products"))));
    return "Cart";
  }
  const region = h("select", { name: "region" }, REGIONS.map((r) => h("option", { value: r }, r)));
  const status = h("div", { class: "status-slot" });
  const checkout = h("form", { class: "checkout stack" },
    h("h2", {}, "Checkout"),
    identity() ? null : notice("info", "Signed out: you can pay now; ", h("a", { href: "#/sign-in?next=%23%2Fcart" }, "sign in"), " to use a price-match discount and see your orders."),
    field("Your state", region, "Where you will receive care; some treatments are sold only in some states"),
    h("button", { type: "submit" }, `Check out: ${money(c.total, c.currency)}`), status);
  checkout.addEventListener("submit", async (e) => {
    e.preventDefault();
    clear(status, notice("info", "Placing your order…"));
    const { data, error, response } = await api.cart.POST("/carts/{cart_id}/checkout", {
      params: { path: { cart_id: c.id } }, body: { region: region.value, expected_total: c.total } });
    if (!data) {
      const problem = (error ?? {}) as { detail?: string; reasons?: string[] };
      clear(status, notice("error", problem.detail ?? `Checkout failed (${response.status}).`,
        problem.reasons?.length ? h("ul", {}, problem.reasons.map((r) => h("li", {}, r))) : null));
      return;
    }
    sessionStorage.setItem(`clinic.pay.${data.order_id}`, JSON.stringify({ pi: data.payment_intent_id, secret: data.client_secret }));
    rememberOrder(data.order_id, currentCartToken());
    forgetCart();
    go(`#/orders/${data.order_id}`);
  });
  clear(view, h("h1", {}, "Your cart"),
    c.notices.filter((n) => !c.items.some((l) => l.notices.includes(n))).map((n) => notice("warn", n)),
    h("ul", { class: "plain cart-lines", "aria-label": "Items in your cart" }, c.items.map((l) => lineRow(c, l))),
    h("dl", { class: "totals" },
      h("dt", {}, "Subtotal"), h("dd", {}, money(c.subtotal, c.currency)),
      c.discount_total ? [h("dt", {}, "Price-match discount"), h("dd", { class: "saving" }, `−${money(c.discount_total, c.currency)}`)] : null,
      h("dt", { class: "grand" }, "Total"), h("dd", { class: "grand" }, money(c.total, c.currency))),
    checkout);
  return "Cart";
}

async function pay(orderId: string, form: HTMLFormElement, status: HTMLElement): Promise<void> {
  const stored = JSON.parse(sessionStorage.getItem(`clinic.pay.${orderId}`) ?? "null") as { pi: string } | null;
  const config = await paymentsConfig();
  if (!stored) { clear(status, notice("error", "This browser did not start this payment.")); return; }
  if (config.mode !== "localstripe" || !config.api) {
    clear(status, notice("error", "Card payments are not configured here (Stripe.js is not loaded by this build)."));
    return;
  }
  const data = new FormData(form);
  const [month, year] = String(data.get("exp")).split("/").map((s) => Number(s.trim()));
  const stripe = async (path: string, fields: Record<string, string>): Promise<{ id: string; status?: string; error?: { message: string } }> => {
    const r = await fetch(`${config.api}${path}`, { method: "POST", headers: { Authorization: `Bearer ${config.key}`, "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields) });
    const body = await r.json();
    if (!r.ok) throw new Error(body?.error?.message ?? `The payment failed (${r.status}).`);
    return body;
  };
  clear(status, notice("info", "Paying…"));
  try {
    const method = await stripe("/v1/payment_methods", { type: "card", "card[number]": String(data.get("card")).replace(/\s/g, ""),
      "card[exp_month]": String(month), "card[exp_year]": String(year && year < 100 ? 2000 + year : year), "card[cvc]": String(data.get("cvc")) });
    // Attach the card, then confirm (localstripe takes no payment_method on /confirm itself).
    await stripe(`/v1/payment_intents/${stored.pi}`, { payment_method: method.id });
    const confirmed = await stripe(`/v1/payment_intents/${stored.pi}/confirm`, {});
    if (confirmed.status && confirmed.status !== "succeeded" && confirmed.status !== "processing") {
      throw new Error(confirmed.error?.message ?? "Your card was declined.");
    }
    clear(status, notice("info", "Payment sent; waiting for the confirmation…"));
  } catch (err) {
    clear(status, notice("error", err instanceof Error ? err.message : "The payment failed."));
  }
  for (let i = 0; i < 60; i++) {
    const order = await getOrder(orderId).catch(() => null);
    if (order && order.status !== "awaiting_payment") break;
    await sleep(500);
  }
  rerender();
}

function orderLines(order: Order): HTMLElement {
  return h("table", { class: "lines" }, h("caption", { class: "sr-only" }, "Items in the order"),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Item"), h("th", { scope: "col" }, "Unit price"), h("th", { scope: "col" }, "Qty"), h("th", { scope: "col" }, "Total"))),
    h("tbody", {}, order.items.map((l) => h("tr", {},
      h("td", {}, l.name, h("span", { class: "muted block" }, l.sku)),
      h("td", {}, l.discount_per_unit ? [h("del", {}, money(l.unit_price, order.currency)), " ", h("ins", {}, money(l.unit_price - l.discount_per_unit, order.currency))] : money(l.unit_price, order.currency)),
      h("td", {}, String(l.quantity)), h("td", {}, money(l.line_total, order.currency))))));
}

export async function order(view: HTMLElement, params: Record<string, string>): Promise<string> {
  const o = await getOrder(params.id!);
  const canPay = o.status === "awaiting_payment" && sessionStorage.getItem(`clinic.pay.${o.id}`);
  let payForm: HTMLElement | null = null;
  if (canPay) {
    const status = h("div", { class: "status-slot" });
    const form = h("form", { class: "stack pay" }, h("h2", {}, "Pay by card"),
      notice("info", "Test mode: use card 4242 4242 4242 4242 (paid) or 4000 0000 0000 0341 (declined), any future date and any CVC."),
      field("Card number", h("input", { type: "text", name: "card", inputmode: "numeric", autocomplete: "cc-number", value: "" }), undefined, true),
      h("div", { class: "row" }, field("Expiry (MM/YY)", h("input", { type: "text", name: "exp", autocomplete: "cc-exp", placeholder: "12/34" }), undefined, true),
        field("CVC", h("input", { type: "text", name: "cvc", inputmode: "numeric", autocomplete: "cc-csc", maxlength: 4 }), undefined, true)),
      h("button", { type: "submit" }, `Pay ${money(o.total, o.currency)}`), status);
    form.addEventListener("submit", (e) => { e.preventDefault(); void pay(o.id, form, status); });
    payForm = form;
  }
  const statusText: Record<string, string> = { paid: "Paid. Thank you!", awaiting_payment: "Awaiting payment.", payment_failed: "The payment failed." };
  clear(view, h("h1", {}, "Your order"),
    h("p", { class: "order-status" }, h("span", { class: `pill pill-${o.status}` }, label(o.status)), " ", statusText[o.status] ?? "",
      o.failure_reason ? ` ${o.failure_reason}` : ""),
    h("dl", { class: "facts" }, h("dt", {}, "Order"), h("dd", {}, h("code", {}, o.id)), h("dt", {}, "Placed"), h("dd", {}, formatDate(o.created_at)),
      o.paid_at ? [h("dt", {}, "Paid"), h("dd", {}, formatDate(o.paid_at))] : null, h("dt", {}, "State"), h("dd", {}, o.region ?? "")),
    orderLines(o),
    h("dl", { class: "totals" }, h("dt", {}, "Subtotal"), h("dd", {}, money(o.subtotal, o.currency)),
      o.discount_total ? [h("dt", {}, "Price-match discount"), h("dd", { class: "saving" }, `−${money(o.discount_total, o.currency)}`)] : null,
      h("dt", { class: "grand" }, "Total"), h("dd", { class: "grand" }, money(o.total, o.currency))),
    payForm,
    h("p", {}, h("a", { href: "#/me/orders" }, "All my orders"), " · ", h("a", { href: "#/treatments" }, "Continue shopping")));
  return "Order";
}

export async function myOrders(view: HTMLElement): Promise<string> {
  let orders: Order[] = [];
  let fallback = false;
  if (identity()) {
    const listed = await api.raw<{ items: Order[] }>("cart", "GET", "/orders?limit=50").catch((e: unknown) => e);
    if (listed instanceof ApiError || listed instanceof Error) fallback = true;
    else orders = (listed as { items: Order[] }).items;
  } else fallback = true;
  if (fallback) {
    const found = await Promise.all(knownOrders().map((id) => getOrder(id).catch(() => null)));
    orders = found.filter((o): o is Order => o !== null);
  }
  clear(view, h("h1", {}, "My orders"),
    fallback ? notice("info", identity() ? "Your full order history is not available right now; these are the orders placed in this browser."
      : "Sign in to see all your orders; these are the orders placed in this browser.") : null,
    orders.length ? h("table", { class: "lines" }, h("caption", { class: "sr-only" }, "Your orders"),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Placed"), h("th", { scope: "col" }, "Items"), h("th", { scope: "col" }, "Total"), h("th", { scope: "col" }, "Status"))),
      h("tbody", {}, orders.map((o) => h("tr", {},
        h("td", {}, h("a", { href: `#/orders/${o.id}` }, formatDate(o.created_at))),
        h("td", {}, o.items.map((l) => l.name).join(", ")),
        h("td", {}, money(o.total, o.currency)),
        h("td", {}, h("span", { class: `pill pill-${o.status}` }, label(o.status)))))))
      : notice("info", "No orders yet."));
  return "My orders";
}
