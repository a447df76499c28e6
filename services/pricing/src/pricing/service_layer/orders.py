"""Paid orders redeem the discounts on their lines, once, however often the event is delivered.

The inbox drops a redelivered event; a second event about the same order finds the discount
already redeemed by that order and changes nothing. A line whose discount cannot be redeemed
(unknown, someone else's, another SKU, revoked, used by another order) is logged and counted:
the payment happened, and retrying cannot change that.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import UTC
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from clinic_shared.events.cart import OrderClaimed, OrderLine, OrderPaid, OrderRefunded
from clinic_shared.outbox.writer import Tx
from pricing.adapters.discounts import DiscountRepository
from pricing.adapters.purchases import PurchaseRepository
from pricing.adapters.reports import ReportRepository
from pricing.domain import Discount, DiscountStateError
from pricing.service_layer import metrics
from pricing.service_layer.boundary import after_commit

log = logging.getLogger("pricing.orders")


def _refusal(discount: Discount | None, order: OrderPaid, used_by: list[OrderLine]) -> str | None:
    if discount is None:
        return "unknown_discount"
    if discount.customer_id != order.customer_id:
        return "other_customer"
    if any(line.sku != discount.sku for line in used_by):
        return "other_sku"
    return None


def _redeemed(discount: Discount, savings: int) -> None:
    metrics.discount_event("redeemed", discount)
    metrics.redeemed_savings(discount.currency, savings)


def _paid_lines(lines: list[OrderLine]) -> list[tuple[str, int, int]]:
    """(sku, quantity, what one unit cost after its discount), one per SKU (the cheapest per unit)."""
    by_sku: dict[str, tuple[int, int]] = {}
    for line in lines:
        paid = line.unit_price - line.discount_per_unit
        quantity, unit = by_sku.get(line.sku, (0, paid))
        by_sku[line.sku] = (quantity + line.quantity, min(unit, paid))
    return [(sku, q, u) for sku, (q, u) in sorted(by_sku.items())]


async def redeem_paid_order(tx: Tx, order: OrderPaid) -> int:
    """Record the purchase and redeem every discount the order used; returns how many were redeemed now."""
    session = tx.session
    await PurchaseRepository(session).record(order.order_id, order.customer_id, order.region, order.currency,
                                             order.occurred_at.astimezone(UTC), _paid_lines(order.lines))
    lines: dict[str, list[OrderLine]] = defaultdict(list)
    for line in order.lines:
        if line.discount_id:
            lines[line.discount_id].append(line)
    placed_at = (order.placed_at or order.occurred_at).astimezone(UTC)
    repo, redeemed = DiscountRepository(session), 0
    for discount_id, used_by in sorted(lines.items()):
        discount = await repo.get(discount_id, lock=True)
        why = _refusal(discount, order, used_by)
        if discount is not None and why is None:
            try:
                if not discount.redeem(order.order_id, placed_at):
                    continue  # already redeemed by this very order
            except DiscountStateError:
                why = "expired_when_placed" if discount.status == "granted" else f"discount_{discount.status}"
        if discount is None or why is not None:
            log.warning("a paid order line's discount cannot be redeemed",
                        extra={"order_id": order.order_id, "discount_id": discount_id, "why": why})
            after_commit(session, partial(metrics.redeem_refused, str(why)))
            continue
        await repo.save(discount)
        tx.track(discount)
        after_commit(session, partial(_redeemed, discount, sum(ln.discount_per_unit * ln.quantity for ln in used_by)))
        redeemed += 1
    return redeemed


async def order_refunded(tx: Tx, event: OrderRefunded) -> int:
    """A full refund gives back the unexpired discounts the order redeemed (``DiscountReinstated``) and takes the
    purchase out of the after-purchase rule; a price-match refund is recorded on its report. Returns how many
    discounts were reinstated."""
    session = tx.session
    if event.reason == "price_match":
        stored = await ReportRepository(session).by_refund_order(event.order_id, event.report_id)
        if stored is not None and stored.report.record_refund(event.order_id, event.occurred_at.astimezone(UTC)):
            await ReportRepository(session).save(stored)
        elif stored is None:
            log.warning("a price-match refund names no report we approved",
                        extra={"order_id": event.order_id, "report_id": event.report_id})
    if not event.full:
        return 0
    await PurchaseRepository(session).mark_refunded(event.order_id)
    repo, reinstated = DiscountRepository(session), 0
    for discount in await repo.redeemed_by(event.order_id):
        if discount.reinstate(event.order_id, event.occurred_at.astimezone(UTC)):
            await repo.save(discount)
            tx.track(discount)
            after_commit(session, partial(metrics.discount_event, "reinstated", discount))
            reinstated += 1
    return reinstated


async def order_claimed(session: AsyncSession, event: OrderClaimed) -> None:
    """An order placed signed out now belongs to a customer: its purchases count for them."""
    if event.customer_id:
        await PurchaseRepository(session).claim(event.order_id, event.customer_id)
