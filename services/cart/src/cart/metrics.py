"""The cart's own metrics (served at /metrics with the shared ones)."""

from __future__ import annotations

from prometheus_client import Counter

PAYMENT_MISMATCH = Counter(
    "clinic_cart_payment_mismatch_total",
    "Successful Stripe payments whose amount or currency is not the order's (the order is held and refunded)",
    ["reason"],
)
REFUNDS = Counter("clinic_cart_refunds_total", "Refunds recorded on orders, by reason", ["reason"])
