import { formatMoney, type Price } from "@clinic/client";
import { api } from "./session.ts";

const cache = new Map<string, Promise<Price | null>>();

/** The current price of a SKU (null when it has none: not for sale). Cached for one page load. */
export function priceOf(sku: string, fresh = false): Promise<Price | null> {
  if (fresh || !cache.has(sku)) {
    cache.set(sku, api.pricing.GET("/prices/{sku}", { params: { path: { sku } } })
      .then(({ data }) => data ?? null).catch(() => null));
  }
  return cache.get(sku)!;
}

export function clearPrices(): void { cache.clear(); }

export const money = (minor: number, currency = "USD"): string => formatMoney(minor, currency);
