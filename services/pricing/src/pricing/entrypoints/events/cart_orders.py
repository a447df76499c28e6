"""cart.order.v1 -> a paid order redeems the price-match discounts on its lines and is recorded as a
purchase; a full refund reinstates them; a claimed order's purchases count for its customer."""

from __future__ import annotations

from clinic_shared.events.cart import (
    OrderClaimed,
    OrderPaid,
    OrderPaymentFailed,
    OrderPaymentMismatched,
    OrderPlaced,
    OrderRefunded,
)
from clinic_shared.messaging.consumer import MessageContext, Subscription
from pricing.service_layer.orders import order_claimed, order_refunded, redeem_paid_order

# Payment redeems, a refund reinstates, a claim attaches; the order's other steps change nothing in pricing.
subscription = Subscription("orders", ignore=[OrderPlaced, OrderPaymentFailed, OrderPaymentMismatched])


@subscription.handler
async def on_order_paid(ctx: MessageContext, event: OrderPaid) -> None:
    await redeem_paid_order(ctx, event)


@subscription.handler
async def on_order_refunded(ctx: MessageContext, event: OrderRefunded) -> None:
    await order_refunded(ctx, event)


@subscription.handler
async def on_order_claimed(ctx: MessageContext, event: OrderClaimed) -> None:
    await order_claimed(ctx.session, event)
