// Who is signed in (a bearer token kept for this tab) and which cart is this browser's.
import { ApiError, createClinicClient, must, type Cart, type Order } from "@clinic/client";

const TOKEN = "clinic.token";
const CART = "clinic.cart";
const ORDERS = "clinic.orders";
const SIGNED_OUT_CARTS = "clinic.signed-out-carts";

export interface Identity { sub: string; roles: string[]; exp: number }

export function identity(): Identity | null {
  const token = sessionStorage.getItem(TOKEN);
  if (!token) return null;
  try {
    const payload = JSON.parse(atob(token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))) as Identity;
    if (payload.exp * 1000 < Date.now()) { sessionStorage.removeItem(TOKEN); return null; }
    return payload;
  } catch {
    return null;
  }
}

export const hasRole = (role: string): boolean => identity()?.roles.includes(role) ?? false;

interface StoredCart { id: string; token: string | null }
function storedCart(): StoredCart | null {
  try { return JSON.parse(localStorage.getItem(CART) ?? "null") as StoredCart | null; } catch { return null; }
}

export const api = createClinicClient({
  baseUrl: "",
  getToken: () => (identity() ? sessionStorage.getItem(TOKEN) : null),
  getCartToken: () => storedCart()?.token ?? null,
});

export async function signIn(sub: string, roles: string[]): Promise<void> {
  const dev = await must(api.cart.POST("/dev/token", { body: { sub, roles } }));
  const anonymous = storedCart();
  sessionStorage.setItem(TOKEN, dev.access_token);
  localStorage.removeItem(CART);
  // Carts bought signed out in this browser become the customer's (so a paid evaluation counts).
  for (const bought of signedOutCarts()) {
    await api.raw("cart", "POST", `/carts/${bought.id}/claim`, undefined, { "X-Cart-Token": bought.token! }).catch(() => undefined);
  }
  localStorage.removeItem(SIGNED_OUT_CARTS);
  if (anonymous?.token) {
    // The open anonymous cart folds into the customer's: claim does it (and attaches orders), else merge.
    const headers = { "X-Cart-Token": anonymous.token };
    const claimed = await api.raw<{ cart: Cart }>("cart", "POST", `/carts/${anonymous.id}/claim`, undefined, headers).catch(() => null);
    const merged = claimed?.cart ?? await api.raw<Cart>("cart", "POST", `/carts/${anonymous.id}/merge`, undefined, headers).catch(() => null);
    if (merged?.status === "open") localStorage.setItem(CART, JSON.stringify({ id: merged.id, token: null }));
  }
}

export function signOut(): void {
  sessionStorage.removeItem(TOKEN);
  localStorage.removeItem(CART);
}

/** This browser's open cart, made when missing (a signed-in customer's, or an anonymous one). */
export async function currentCart(create = true): Promise<Cart | null> {
  const stored = storedCart();
  if (stored) {
    const { data, response } = await api.cart.GET("/carts/{cart_id}", { params: { path: { cart_id: stored.id } } });
    if (data && data.status === "open") return data;
    if (response.status !== 404 && response.status !== 403 && response.status !== 401 && !data) {
      throw new ApiError({ title: "Error", status: response.status, detail: "The cart could not be loaded." });
    }
    localStorage.removeItem(CART);
  }
  if (!create) return null;
  const created = await must(api.cart.POST("/carts", {}));
  localStorage.setItem(CART, JSON.stringify({ id: created.id, token: identity() ? null : created.token }));
  return created;
}

/** After checkout: the next item starts a new cart. A signed-out cart is kept to claim at sign-in. */
export function forgetCart(): void {
  const stored = storedCart();
  if (stored?.token) localStorage.setItem(SIGNED_OUT_CARTS, JSON.stringify([...signedOutCarts(), stored].slice(-20)));
  localStorage.removeItem(CART);
}

function signedOutCarts(): StoredCart[] {
  try { return (JSON.parse(localStorage.getItem(SIGNED_OUT_CARTS) ?? "[]") as StoredCart[]).filter((c) => c.token); } catch { return []; }
}

/** Orders placed from this browser (the list the "my orders" page falls back to), with the cart
 *  token a signed-out order is read with. */
export function rememberOrder(id: string, cartToken: string | null): void {
  const known = knownOrders().filter((o) => o !== id);
  localStorage.setItem(ORDERS, JSON.stringify([id, ...known].slice(0, 50)));
  if (cartToken) localStorage.setItem(`clinic.order-token.${id}`, cartToken);
}
export function currentCartToken(): string | null { return storedCart()?.token ?? null; }

/** An order as this browser may read it: signed in, or with its signed-out cart's token. */
export function getOrder(id: string): Promise<Order> {
  const token = identity() ? null : localStorage.getItem(`clinic.order-token.${id}`);
  return must(api.cart.GET("/orders/{order_id}", { params: { path: { order_id: id }, header: token ? { "x-cart-token": token } : undefined } }));
}
export function knownOrders(): string[] {
  try { return JSON.parse(localStorage.getItem(ORDERS) ?? "[]") as string[]; } catch { return []; }
}
