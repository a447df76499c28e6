"""Checkout: re-check the cart against the latest prices, discounts, regions and the evaluation rule,
make the order (with OrderPlaced, in one transaction), then its Stripe PaymentIntent.

One cart makes at most one order. The cart's row lock (SELECT ... FOR UPDATE) serialises checkouts of
the same cart and a unique constraint on orders.cart_id backs it up; a second checkout (a retry, or the
loser of a race) answers the same order and PaymentIntent, never a second one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from cart.adapters.carts import CartRepository
from cart.adapters.orders import OrderRepository
from cart.adapters.payments import PaymentGateway, PaymentProviderError
from cart.domain.cart import CartError, CartStatus
from cart.domain.checkout import refusals
from cart.domain.money import fmt
from cart.domain.order import Order
from cart.service_layer.access import Caller
from cart.service_layer.carts import cart_problem, load
from cart.service_layer.events import order_placed
from cart.service_layer.pricing import priced
from clinic_shared.errors import Problem
from clinic_shared.events.base import utcnow
from clinic_shared.runtime import ServiceRuntime


@dataclass(frozen=True)
class CheckoutRequest:
    region: str
    expected_total: int | None = None


async def checkout(runtime: ServiceRuntime, payments: PaymentGateway, cart_id: str, caller: Caller,
                   currency: str, request: CheckoutRequest) -> tuple[Order, bool]:
    """Answers (order, created): created is False when this cart had been checked out already."""
    try:
        order, created = await _place_order(runtime, cart_id, caller, currency, request)
    except IntegrityError:  # the other checkout won where the row lock does not exist (SQLite): answer its order
        order, created = await _place_order(runtime, cart_id, caller, currency, request)
    if order.client_secret is None:
        order = await _attach_payment_intent(runtime, payments, order)
    return order, created


async def _place_order(runtime: ServiceRuntime, cart_id: str, caller: Caller, currency: str,
                       request: CheckoutRequest) -> tuple[Order, bool]:
    now = utcnow()
    async with runtime.transaction() as tx:
        carts = CartRepository(tx.session)
        cart = await load(carts, cart_id, caller, lock=True)
        orders = OrderRepository(tx.session)
        existing = await orders.of_cart(cart.id)
        if existing is not None:
            return existing, False
        try:
            cart.ensure_open()
        except CartError as exc:
            raise cart_problem(exc) from exc
        quote = await priced(tx.session, cart, currency, now)
        evaluated = await orders.has_paid_evaluation(cart.customer_id) if cart.customer_id else False
        found = refusals(quote, request.region, evaluated)
        if found:
            raise Problem(409, "Checkout refused", " ".join(r.message for r in found),
                          reasons=[{"code": r.code, "sku": r.sku, "message": r.message} for r in found])
        if request.expected_total is not None and request.expected_total != quote.total:
            raise Problem(409, "Total changed",
                          f"The total is now {fmt(quote.total, quote.currency)}, not "
                          f"{fmt(request.expected_total, quote.currency)}; review the cart and check out again.")
        order = Order.place(str(uuid.uuid4()), quote, request.region, now)
        await orders.add(order)
        cart.status, cart.updated_at = CartStatus.checked_out, now
        await carts.save(cart)
        await tx.publish(order_placed(order))
    return order, True


async def _attach_payment_intent(runtime: ServiceRuntime, payments: PaymentGateway, order: Order) -> Order:
    try:
        intent = await payments.create_payment_intent(order_id=order.id, cart_id=order.cart_id, amount=order.total,
                                                      currency=order.currency)
    except PaymentProviderError as exc:
        raise Problem(502, "Payment provider unavailable",
                      f"The order {order.id} is saved; check out again to retry the payment. ({exc})",
                      order_id=order.id) from exc
    async with runtime.transaction() as tx:
        orders = OrderRepository(tx.session)
        await orders.attach_payment(order.id, intent.id, intent.client_secret)
        current = await orders.get(order.id)
    assert current is not None
    return current
