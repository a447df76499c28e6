// The clinic platform's typed client: one openapi-fetch client per service, typed by the types
// openapi-typescript generates from the services' OpenAPI documents (src/generated/).
//
// Works as is in browsers, Node (>= 18) and React Native: it uses only fetch, Request, Headers
// and URL (no DOM, no storage); `fetch` is injectable and tokens come from callbacks, so the app
// decides where to keep them (memory, AsyncStorage, sessionStorage...).
import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { paths as CartPaths, components as CartComponents } from "./generated/cart.ts";
import type { paths as CatalogPaths, components as CatalogComponents } from "./generated/catalog.ts";
import type { paths as ContentPaths, components as ContentComponents } from "./generated/content.ts";
import type { paths as PricingPaths, components as PricingComponents } from "./generated/pricing.ts";

export type { CartPaths, CatalogPaths, ContentPaths, PricingPaths };
export type CatalogSchemas = CatalogComponents["schemas"];
export type PricingSchemas = PricingComponents["schemas"];
export type CartSchemas = CartComponents["schemas"];
export type ContentSchemas = ContentComponents["schemas"];

export type Product = CatalogSchemas["ProductOut"];
export type Price = PricingSchemas["PriceOut"];
export type Report = PricingSchemas["ReportOut"];
export type Discount = PricingSchemas["DiscountOut"];
export type Competitor = PricingSchemas["CompetitorOut"];
export type Cart = CartSchemas["CartOut"];
export type CartLine = CartSchemas["CartLineOut"];
export type Order = CartSchemas["OrderOut"];
export type Checkout = CartSchemas["CheckoutOut"];
export type Article = ContentSchemas["ArticleOut"];
export type PublicComment = ContentSchemas["PublicCommentOut"];
export type CommentReceipt = ContentSchemas["CommentReceipt"];
export type ModerationComment = ContentSchemas["ModerationCommentOut"];
export type OpsFigures = CatalogSchemas["OpsFigures"];

export const SERVICES = ["catalog", "pricing", "cart", "content"] as const;
export type Service = (typeof SERVICES)[number];

/** An error answer (application/problem+json), as every service and the gateway give them. */
export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail: string;
  request_id?: string | null;
  [extra: string]: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail || problem.title);
    this.name = "ApiError";
    this.status = problem.status;
    this.problem = problem;
  }
}

export interface ClientOptions {
  /** The gateway, e.g. "http://127.0.0.1:8080" (no trailing slash); "" for the page's own origin. */
  baseUrl: string;
  /** fetch to use (defaults to the global one): React Native's, undici's, a test double... */
  fetch?: typeof globalThis.fetch;
  /** The signed-in identity's bearer token, if any; called before every request. */
  getToken?: () => string | null | undefined;
  /** The anonymous cart's token (X-Cart-Token), if any; called before every cart request. */
  getCartToken?: () => string | null | undefined;
}

export interface ClinicClient {
  catalog: Client<CatalogPaths>;
  pricing: Client<PricingPaths>;
  cart: Client<CartPaths>;
  content: Client<ContentPaths>;
  /** For an endpoint a service does not document yet: same auth, same errors, untyped answer. */
  raw<T = unknown>(service: Service, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T>;
}

function authMiddleware(options: ClientOptions, withCartToken: boolean): Middleware {
  return {
    onRequest({ request }) {
      const token = options.getToken?.();
      if (token && !request.headers.has("Authorization")) request.headers.set("Authorization", `Bearer ${token}`);
      const cartToken = withCartToken ? options.getCartToken?.() : null;
      if (cartToken && !request.headers.has("X-Cart-Token")) request.headers.set("X-Cart-Token", cartToken);
      return request;
    },
  };
}

export function createClinicClient(options: ClientOptions): ClinicClient {
  const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const make = <P extends {}>(service: Service): Client<P> => {
    const client = createClient<P>({ baseUrl: `${options.baseUrl}/api/${service}`, fetch: fetchImpl });
    client.use(authMiddleware(options, service === "cart"));
    return client;
  };
  return {
    catalog: make<CatalogPaths>("catalog"),
    pricing: make<PricingPaths>("pricing"),
    cart: make<CartPaths>("cart"),
    content: make<ContentPaths>("content"),
    async raw<T>(service: Service, method: string, path: string, body?: unknown, extra?: Record<string, string>): Promise<T> {
      const headers = new Headers({ Accept: "application/json" });
      if (body !== undefined) headers.set("Content-Type", "application/json");
      const token = options.getToken?.();
      if (token) headers.set("Authorization", `Bearer ${token}`);
      const cartToken = service === "cart" ? options.getCartToken?.() : null;
      if (cartToken) headers.set("X-Cart-Token", cartToken);
      for (const [name, value] of Object.entries(extra ?? {})) headers.set(name, value);
      const response = await fetchImpl(`${options.baseUrl}/api/${service}${path}`, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      const parsed: unknown = text ? safeJson(text) : undefined;
      if (!response.ok) throw new ApiError(asProblem(parsed, response.status));
      return parsed as T;
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A problem document from whatever an error answer carried (FastAPI's, the gateway's, or none). */
export function asProblem(body: unknown, status: number): Problem {
  if (body && typeof body === "object" && "detail" in body) {
    const b = body as Record<string, unknown>;
    const detail = typeof b.detail === "string" ? b.detail : JSON.stringify(b.detail);
    return { ...b, title: String(b.title ?? "Error"), status: Number(b.status ?? status), detail };
  }
  return { title: "Error", status, detail: typeof body === "string" && body ? body : `The request failed (${status}).` };
}

/**
 * The data of an openapi-fetch answer, or an ApiError carrying the problem document.
 *     const product = await must(api.catalog.GET("/products/{slug}", { params: { path: { slug } } }));
 */
export async function must<T>(
  pending: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await pending;
  if (error !== undefined || !response.ok) throw new ApiError(asProblem(error, response.status));
  return data as T;
}

/** Money in minor units, shown in its currency: formatMoney(19900, "USD") -> "$199.00". */
export function formatMoney(minor: number, currency: string, locale = "en-US"): string {
  const digits = new Intl.NumberFormat(locale, { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(minor / 10 ** digits);
}
