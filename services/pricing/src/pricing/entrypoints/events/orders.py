"""cart.order.v1 -> a paid order redeems the price-match discounts on its lines."""

from __future__ import annotations

from clinic_shared.events.cart import OrderClaimed, OrderPaid, OrderPaymentFailed, OrderPaymentMismatched, OrderPlaced
from clinic_shared.messaging.consumer import MessageContext, Subscription
from pricing.service_layer.orders import redeem_paid_order

# Only payment redeems a discount; the order's other steps change nothing in pricing.
subscription = Subscription("orders", ignore=[OrderPlaced, OrderPaymentFailed, OrderPaymentMismatched, OrderClaimed])


@subscription.handler
async def on_order_paid(ctx: MessageContext, event: OrderPaid) -> None:
    await redeem_paid_order(ctx.session, ctx.publish, event)
