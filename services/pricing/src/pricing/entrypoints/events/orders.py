"""cart.order.v1 -> a paid order redeems the price-match discounts on its lines and is recorded as a
purchase; a full refund reinstates them; a claimed order's purchases count for its customer."""

from __future__ import annotations

from clinic_shared.events.base import Event
from clinic_shared.events.cart import OrderClaimed, OrderPaid, OrderRefunded
from clinic_shared.messaging.consumer import MessageContext, Subscription
from pricing.service_layer.orders import order_claimed, order_refunded, redeem_paid_order


async def on_order_paid(ctx: MessageContext, event: Event) -> None:
    assert isinstance(event, OrderPaid)
    await redeem_paid_order(ctx.session, ctx.publish, event)


async def on_order_refunded(ctx: MessageContext, event: Event) -> None:
    assert isinstance(event, OrderRefunded)
    await order_refunded(ctx.session, ctx.publish, event)


async def on_order_claimed(ctx: MessageContext, event: Event) -> None:
    assert isinstance(event, OrderClaimed)
    await order_claimed(ctx.session, event)


subscription = Subscription("orders", {
    OrderPaid: on_order_paid,
    OrderRefunded: on_order_refunded,
    OrderClaimed: on_order_claimed,
})
