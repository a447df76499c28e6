// The client runs where there is no DOM (React Native, Node): its source uses no DOM-only API,
// and everything it sends goes through the fetch it was given.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ApiError, createClinicClient, formatMoney, must } from "../src/index.ts";

const src = path.resolve(import.meta.dirname, "../src");

describe("portability", () => {
  it("uses no DOM-only API in its source", () => {
    const code = readFileSync(path.join(src, "index.ts"), "utf8")
      .replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, ""); // the code, not its comments
    for (const name of ["window", "document", "localStorage", "sessionStorage", "navigator", "XMLHttpRequest"]) {
      expect(code).not.toMatch(new RegExp(`\\b${name}\\b`));
    }
    expect(readdirSync(path.join(src, "generated")).sort()).toEqual(["cart.ts", "catalog.ts", "content.ts", "pricing.ts"]);
  });

  it("sends every request through the injected fetch, with the tokens from the callbacks", async () => {
    const seen: Request[] = [];
    const fake: typeof fetch = async (input, init) => {
      const request = input instanceof Request ? input : new Request(input, init);
      seen.push(request);
      return new Response(JSON.stringify({ title: "Not Found", status: 404, detail: "No such cart." }),
        { status: 404, headers: { "Content-Type": "application/problem+json" } });
    };
    const api = createClinicClient({ baseUrl: "http://gateway.test", fetch: fake, getToken: () => "t0k", getCartToken: () => "c4rt" });
    const error = await must(api.cart.GET("/carts/{cart_id}", { params: { path: { cart_id: "c1" } } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(404);
    expect((error as ApiError).message).toBe("No such cart.");
    expect(seen[0]!.url).toBe("http://gateway.test/api/cart/carts/c1");
    expect(seen[0]!.headers.get("authorization")).toBe("Bearer t0k");
    expect(seen[0]!.headers.get("x-cart-token")).toBe("c4rt");
    await must(api.catalog.GET("/products", {})).catch(() => undefined);
    expect(seen[1]!.headers.get("x-cart-token")).toBeNull(); // the cart token goes to the cart only
  });

  it("formats minor units in their currency", () => {
    expect(formatMoney(19900, "USD")).toBe("$199.00");
    expect(formatMoney(1, "USD")).toBe("$0.01");
    expect(formatMoney(500, "JPY")).toBe("¥500");
  });
});
