// The client against the running platform, through the nginx gateway. CLINIC_GATEWAY names it
// (tests/clients/test_typescript_client.py starts the stack and runs these).
import { describe, expect, it } from "vitest";
import { ApiError, createClinicClient, must } from "../src/index.ts";

const gateway = process.env.CLINIC_GATEWAY;
if (!gateway) throw new Error("CLINIC_GATEWAY is not set: run these through tests/clients/test_typescript_client.py");

let token: string | null = null;
let cartToken: string | null = null;
const api = createClinicClient({ baseUrl: gateway, getToken: () => token, getCartToken: () => cartToken });

async function eventually<T>(check: () => Promise<T | undefined>, what: string, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: not within ${ms} ms (${String(last)})`);
}

describe("the typed client through the gateway", () => {
  it("lists treatments with filters typed as people type them, and their prices", async () => {
    const list = await must(api.catalog.GET("/products", { params: { query: { route: "sublingual", condition: "depression" } } }));
    expect(list.items.map((p) => p.slug)).toEqual(["ketamine-sublingual-troches"]);
    const troches = list.items[0]!;
    expect(troches.requires_evaluation).toBe(true);
    const sku = troches.skus[0]!.sku;
    const price = await must(api.pricing.GET("/prices/{sku}", { params: { path: { sku } } }));
    expect(price.currency).toBe("USD");
    expect(price.unit_price).toBeGreaterThan(0);
  });

  it("reads the article with its sections and related treatments", async () => {
    const found = await must(api.content.GET("/articles", { params: { query: { q: "ketamine" } } }));
    expect(found.total).toBeGreaterThan(0);
    const article = await must(api.content.GET("/articles/{slug}", { params: { path: { slug: found.items[0]!.slug } } }));
    expect(article.sections.length).toBeGreaterThan(2);
    expect(article.sections.every((s) => typeof s.html === "string")).toBe(true);
  });

  it("signs in with the development identity and keeps an anonymous cart by its token", async () => {
    const created = await must(api.cart.POST("/carts", {}));
    cartToken = created.token;
    expect(created.is_empty).toBe(true);
    const cart = await eventually(async () => {
      const { data } = await api.cart.POST("/carts/{cart_id}/items", {
        params: { path: { cart_id: created.id } }, body: { sku: "EVAL-INITIAL", quantity: 1 } });
      return data;
    }, "adding the evaluation to the cart");
    expect(cart.items[0]!.sku).toBe("EVAL-INITIAL");
    expect(cart.items[0]!.unit_price_seen).toBe(cart.items[0]!.unit_price);

    const dev = await must(api.pricing.POST("/dev/token", { body: { sub: `client-test-${Date.now()}`, roles: ["customer"] } }));
    token = dev.access_token;
    const discounts = await must(api.pricing.GET("/discounts", {}));
    expect(discounts.items).toEqual([]);
  });

  it("turns an error answer into an ApiError with the problem's detail and request id", async () => {
    const error = await must(api.catalog.GET("/products/{slug}", { params: { path: { slug: "no-such-treatment" } } }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(404);
    expect((error as ApiError).problem.request_id).toBeTruthy();
    const forbidden = await api.raw("pricing", "GET", "/competitors").catch((e: unknown) => e);
    expect((forbidden as ApiError).status).toBe(403); // a customer is not ops
  });
});
