"""Reading orders: its customer, ops, or (for an anonymous order) whoever holds its cart's token; and the
signed-in customer's own list."""

from __future__ import annotations

from cart.adapters.carts import CartRepository
from cart.adapters.orders import OrderRepository
from cart.domain.order import Order
from cart.service_layer.access import Caller, may_use
from cart.settings import CartRuntime
from clinic_shared.application_errors import Forbidden, NotFound, Unauthorized


async def get_order(runtime: CartRuntime, order_id: str, caller: Caller) -> Order:
    caller.require_credentials()
    async with runtime.sessions() as session:
        order = await OrderRepository(session).get(order_id)
        if order is not None and _allowed(caller, order):
            return order
        if order is not None and order.customer_id is None and caller.cart_token:
            cart = await CartRepository(session).get(order.cart_id)
            if cart is not None and may_use(cart, caller):
                return order
    raise NotFound(f"No order {order_id} for these credentials.")


async def list_orders(runtime: CartRuntime, caller: Caller, *, limit: int, offset: int) -> tuple[list[Order], int]:
    """The signed-in customer's orders, newest first (orders placed signed out count once claimed)."""
    if caller.principal is None:
        raise Unauthorized("Sign in to see your orders.")
    if not caller.principal.has("customer"):
        raise Forbidden("Only a customer has orders.")
    async with runtime.sessions() as session:
        return await OrderRepository(session).of_customer(caller.principal.sub, limit=limit, offset=offset)


def _allowed(caller: Caller, order: Order) -> bool:
    if caller.principal is None:
        return False
    return caller.principal.has("ops") or (order.customer_id is not None and caller.sub == order.customer_id)
