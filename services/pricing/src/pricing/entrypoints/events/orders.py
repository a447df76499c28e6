"""cart.order.v1 -> a paid order redeems the price-match discounts on its lines."""

from __future__ import annotations

from clinic_shared.events.base import Event
from clinic_shared.events.cart import OrderPaid
from clinic_shared.messaging.consumer import MessageContext, Subscription
from pricing.service_layer.orders import redeem_paid_order


async def on_order_paid(ctx: MessageContext, event: Event) -> None:
    assert isinstance(event, OrderPaid)
    await redeem_paid_order(ctx.session, ctx.publish, event)


subscription = Subscription("orders", {OrderPaid: on_order_paid})
