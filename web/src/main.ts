import "./styles.css";
import { ApiError } from "@clinic/client";
import { clear, h, notice } from "./dom.ts";
import { setRerender } from "./nav.ts";
import { routes, type Route } from "./routes.ts";
import { currentCart, hasRole, identity, signOut } from "./session.ts";

const app = document.getElementById("app")!;
const main = h("main", { id: "main", tabindex: "-1" });
const cartLink = h("a", { href: "#/cart", class: "cart-link" }, "Cart");
const accountSlot = h("span", { class: "account" });
const opsLink = h("li", {}, h("a", { href: "#/ops" }, "Ops console"));

function layout(): void {
  clear(app,
    h("header", { class: "site-header" },
      h("div", { class: "promise", role: "note" },
        h("p", {}, "We guarantee to be the most affordable online mental health clinic. ",
          h("strong", {}, "If you find a better price, we'll give you 20% off!"))),
      h("div", { class: "bar" },
        h("a", { href: "#/", class: "brand" }, h("span", { class: "logo", "aria-hidden": "true" }), "Clinic"),
        h("p", { class: "tagline" }, "Nurturing Mental Health and Wellness"),
        h("nav", { "aria-label": "Main" },
          h("ul", {},
            h("li", {}, h("a", { href: "#/treatments" }, "Treatments")),
            h("li", {}, h("a", { href: "#/articles" }, "Articles")),
            h("li", {}, h("a", { href: "#/me" }, "My account")),
            opsLink,
            h("li", {}, cartLink))),
        accountSlot)),
    main,
    h("footer", { class: "site-footer" },
      h("p", {}, "Clinic: licensed online mental health care. Prices in US dollars. ",
        h("a", { href: "#/price-match" }, "How the price-match guarantee works"), ".")));
}

function refreshChrome(): void {
  const who = identity();
  clear(accountSlot, who
    ? [h("span", { class: "who" }, `Signed in as ${who.sub}`), " ",
       h("button", { type: "button", class: "link", onclick: () => { signOut(); location.hash = "#/"; refreshChrome(); } }, "Sign out")]
    : h("a", { href: "#/sign-in" }, "Sign in"));
  opsLink.hidden = !(hasRole("ops") || hasRole("moderator"));
  currentCart(false).then((cart) => {
    const count = cart?.items.reduce((n, l) => n + l.quantity, 0) ?? 0;
    clear(cartLink, "Cart", count ? h("span", { class: "badge", "aria-label": `${count} items` }, String(count)) : null);
  }).catch(() => undefined);
}

function match(hash: string): { route: Route; params: Record<string, string>; query: URLSearchParams } {
  const [pathPart, queryPart] = hash.replace(/^#/, "").split("?");
  const path = pathPart || "/";
  for (const route of routes) {
    const m = route.pattern.exec(path);
    if (m) return { route, params: m.groups ?? {}, query: new URLSearchParams(queryPart ?? "") };
  }
  return { route: routes[routes.length - 1]!, params: {}, query: new URLSearchParams() };
}

let generation = 0;
async function render(): Promise<void> {
  const mine = ++generation;
  const { route, params, query } = match(location.hash);
  const view = h("div", { class: "view" });
  delete main.dataset.ready;
  clear(main, h("p", { class: "loading", role: "status" }, "Loading…"));
  try {
    const title = await route.render(view, params, query);
    if (mine !== generation) return;
    document.title = title ? `${title} | Clinic` : "Clinic";
    // Wide tables scroll sideways on a phone: keyboard users must be able to reach them.
    view.querySelectorAll<HTMLElement>("table.lines").forEach((t) => { t.tabIndex = 0; });
    clear(main, view);
  } catch (error) {
    if (mine !== generation) return;
    const message = error instanceof ApiError ? error.message : "Something went wrong. Please try again.";
    clear(main, h("h1", {}, "Sorry"), notice("error", message));
    document.title = "Error | Clinic";
  }
  main.dataset.ready = location.hash; // tests wait for this: the page for this address is drawn
  refreshChrome();
  main.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

setRerender(() => void render());

layout();
// The skip link targets <main> without touching the hash (the hash is the router's).
document.querySelector(".skip")?.addEventListener("click", (e) => { e.preventDefault(); main.focus(); });
window.addEventListener("hashchange", () => void render());
void render();
