"""Checkout: re-check the cart against the latest prices, discounts, regions and the evaluation rule,
reserve its discounts and make the order (with OrderPlaced, in one transaction), then its Stripe PaymentIntent.

One cart makes at most one order. The cart's row lock (SELECT ... FOR UPDATE) serialises checkouts of
the same cart and a unique constraint on orders.cart_id backs it up; a second checkout (a retry, or the
loser of a race) answers the same order and PaymentIntent, never a second one.

One discount serves one order: checkout takes the row locks of the customer's discounts for the cart's
SKUs before it prices the cart (a revocation, or another cart's checkout, waits or is seen whole), and
reserves each discount it applies with a conditional UPDATE (`reserved_by_order`), which only one order
can win. See docs/decisions/0008-discount-reservation-and-refunds.md.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from cart.adapters.carts import CartRepository
from cart.adapters.orders import OrderRepository
from cart.adapters.payments import PaymentGateway, PaymentProviderError
from cart.adapters.read_models import ReadModels
from cart.domain.cart import CartStatus
from cart.domain.checkout import refusals
from cart.domain.money import fmt
from cart.domain.order import Order
from cart.service_layer.access import Caller
from cart.service_layer.carts import load
from cart.service_layer.pricing import hold_ttl, quote
from cart.settings import CartRuntime
from clinic_shared.application_errors import Conflict, UpstreamFailed
from clinic_shared.events.base import utcnow
from clinic_shared.runtime import Tx


@dataclass(frozen=True)
class CheckoutRequest:
    region: str
    expected_total: int | None = None


async def checkout(runtime: CartRuntime, payments: PaymentGateway, cart_id: str, caller: Caller,
                   request: CheckoutRequest) -> tuple[Order, bool]:
    """Answers (order, created): created is False when this cart had been checked out already."""
    try:
        order, created = await _place_order(runtime, cart_id, caller, request)
    except IntegrityError:  # the other checkout won where the row lock does not exist (SQLite): answer its order
        order, created = await _place_order(runtime, cart_id, caller, request)
    if order.client_secret is None:
        order = await _attach_payment_intent(runtime, payments, order)
    return order, created


async def _place_order(runtime: CartRuntime, cart_id: str, caller: Caller,
                       request: CheckoutRequest) -> tuple[Order, bool]:
    now, ttl = utcnow(), hold_ttl(runtime)
    async with runtime.transaction() as tx:
        carts = CartRepository(tx.session)
        cart = await load(carts, cart_id, caller, lock=True)
        orders = OrderRepository(tx.session)
        existing = await orders.of_cart(cart.id)
        if existing is not None:
            return existing, False
        cart.ensure_open()
        models = ReadModels(tx.session)
        if cart.customer_id and cart.lines:
            mine = await models.discounts_of(cart.customer_id, [ln.sku for ln in cart.lines])
            await models.lock_discounts([d.discount_id for d in mine])  # then price from what the locks saw
        q = await quote(tx.session, cart, runtime.settings.currency, now, region=request.region, ttl=ttl)
        priced = q.priced
        evaluated = await orders.has_paid_evaluation(cart.customer_id) if cart.customer_id else False
        found = refusals(priced, request.region, evaluated, runtime.settings.minimum_charge)
        if found:
            raise Conflict(" ".join(r.message for r in found), title="Checkout refused",
                           reasons=[{"code": r.code, "sku": r.sku, "message": r.message} for r in found])
        _confirm_total(request, priced.total, q.total_seen, priced.currency, priced.notices)
        order = Order.place(str(uuid.uuid4()), priced, request.region, now)
        for discount_id in priced.discount_ids:
            holder = await models.holder(discount_id)
            if not await models.reserve(discount_id, order.id, now, now - ttl):
                raise Conflict("Your price-match discount was used, revoked or expired while you checked out; "
                               "review the cart and check out again.", title="Discount unavailable")
            if holder and holder != order.id:  # its hold had lapsed: that order was abandoned
                await _abandon(tx, orders, holder, now)
        await orders.add(order)
        cart.status, cart.updated_at = CartStatus.checked_out, now
        await carts.save(cart)
        tx.track(order).record_placed()
    return order, True


def _confirm_total(request: CheckoutRequest, total: int, total_seen: int, currency: str, notices: list[str]) -> None:
    """A changed total needs the client's confirmation. With `expected_total`, it must be the total now.
    Without it, the total now must not be above the total at the prices the customer saw (lines'
    `unit_price_seen`, with the discounts the cart showed): a higher one is refused, a lower one is charged."""
    if request.expected_total is not None:
        if request.expected_total == total:
            return
        shown = request.expected_total
    elif total <= total_seen:
        return
    else:
        shown = total_seen
    raise Conflict(f"The total is now {fmt(total, currency)}, not {fmt(shown, currency)}; review the cart and check "
                   "out again with expected_total set to the new total to confirm it.", title="Total changed",
                   total=total, expected_total=shown, currency=currency, notices=notices)


async def _abandon(tx: Tx, orders: OrderRepository, order_id: str, now: datetime) -> None:
    stale = await orders.get(order_id, lock=True)
    if stale is not None and stale.cancel("expired: not paid within the pending-order time", now):
        await orders.save_state(stale)
        if stale.payment_intent_id:
            tx.track(stale).record_payment_failed()


async def _attach_payment_intent(runtime: CartRuntime, payments: PaymentGateway, order: Order) -> Order:
    try:
        intent = await payments.create_payment_intent(order_id=order.id, cart_id=order.cart_id, amount=order.total,
                                                      currency=order.currency)
    except PaymentProviderError as exc:
        raise UpstreamFailed(f"The order {order.id} is saved; check out again to retry the payment. ({exc})",
                             title="Payment provider unavailable", order_id=order.id) from exc
    async with runtime.transaction() as tx:
        orders = OrderRepository(tx.session)
        await orders.attach_payment(order.id, intent.id, intent.client_secret)
        current = await orders.get(order.id)
    assert current is not None
    return current
