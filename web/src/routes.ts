import { clear, h } from "./dom.ts";
import { me, myDiscounts, myReports, signInPage } from "./pages/account.ts";
import { cart, myOrders, order } from "./pages/cart.ts";
import { article, articles } from "./pages/content.ts";
import { opsComments, opsCompetitors, opsDeadLetters, opsFigures, opsHome, opsPrices, opsReports } from "./pages/ops.ts";
import { guarantee, home, priceMatchForm, product, report, treatments } from "./pages/shop.ts";

export type Render = (view: HTMLElement, params: Record<string, string>, query: URLSearchParams) => Promise<string>;
export interface Route { pattern: RegExp; render: Render }

const notFound: Render = async (view) => {
  clear(view, h("h1", {}, "Page not found"), h("p", {}, h("a", { href: "#/" }, "Back to the start")));
  return "Not found";
};

export const routes: Route[] = [
  { pattern: /^\/$/, render: home },
  { pattern: /^\/treatments$/, render: treatments },
  { pattern: /^\/treatments\/(?<slug>[a-z0-9-]+)$/, render: product },
  { pattern: /^\/price-match$/, render: guarantee },
  { pattern: /^\/price-match\/new$/, render: priceMatchForm },
  { pattern: /^\/reports\/(?<id>[0-9a-f-]+)$/, render: report },
  { pattern: /^\/articles$/, render: articles },
  { pattern: /^\/articles\/(?<slug>[a-z0-9-]+)$/, render: article },
  { pattern: /^\/cart$/, render: cart },
  { pattern: /^\/orders\/(?<id>[0-9a-zA-Z_-]+)$/, render: order },
  { pattern: /^\/sign-in$/, render: signInPage },
  { pattern: /^\/me$/, render: me },
  { pattern: /^\/me\/orders$/, render: myOrders },
  { pattern: /^\/me\/reports$/, render: myReports },
  { pattern: /^\/me\/discounts$/, render: myDiscounts },
  { pattern: /^\/ops$/, render: opsHome },
  { pattern: /^\/ops\/reports$/, render: opsReports },
  { pattern: /^\/ops\/competitors$/, render: opsCompetitors },
  { pattern: /^\/ops\/prices$/, render: opsPrices },
  { pattern: /^\/ops\/comments$/, render: opsComments },
  { pattern: /^\/ops\/dead-letters$/, render: opsDeadLetters },
  { pattern: /^\/ops\/figures$/, render: opsFigures },
  { pattern: /.*/, render: notFound },
];
