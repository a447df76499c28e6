"""Cart use cases: make, read, add, change, remove, merge on sign-in. Each answers the priced cart."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from cart.adapters.carts import CartRepository
from cart.adapters.orders import OrderRepository
from cart.adapters.read_models import ReadModels
from cart.domain.cart import Cart, CartStatus
from cart.domain.order import Order
from cart.domain.pricing import PricedCart
from cart.service_layer.access import Caller, may_use, new_token, not_found
from cart.service_layer.pricing import hold_ttl, priced
from cart.settings import CartRuntime
from clinic_shared.application_errors import Conflict, Forbidden, NotFound, Unauthorized
from clinic_shared.events.base import utcnow

Change = Callable[[AsyncSession, Cart], Awaitable[None]]


async def _answer(runtime: CartRuntime, session: AsyncSession, cart: Cart, now: datetime) -> PricedCart:
    """The cart priced as it is answered: in the service's currency (an empty cart's), with its pending-order hold."""
    return await priced(session, cart, runtime.settings.currency, now, ttl=hold_ttl(runtime))


async def load(repo: CartRepository, cart_id: str, caller: Caller, *, lock: bool = False) -> Cart:
    caller.require_credentials()
    cart = await repo.get(cart_id, lock=lock)
    if cart is None or not may_use(cart, caller):
        raise not_found(cart_id)
    return cart


async def create_cart(runtime: CartRuntime, caller: Caller) -> tuple[PricedCart, str | None, bool]:
    """A signed-in customer gets their open cart (made if missing); anyone else a new anonymous cart
    and its token. Answers (cart, token or None, created)."""
    now = utcnow()
    for _ in range(2):
        try:
            async with runtime.transaction() as tx:
                repo = CartRepository(tx.session)
                token, token_hash = (None, None) if caller.sub else new_token()
                if caller.sub and (mine := await repo.open_cart_of(caller.sub)):
                    return await _answer(runtime, tx.session, mine, now), None, False
                cart = Cart(id=str(uuid.uuid4()), customer_id=caller.sub, token_hash=token_hash,
                            status=CartStatus.open, created_at=now, updated_at=now)
                await repo.add(cart)
                return await _answer(runtime, tx.session, cart, now), token, True
        except IntegrityError:  # the same customer's other request made the cart first: answer that one
            continue
    raise Conflict("Another request is making this customer's cart; try again.")


async def get_cart(runtime: CartRuntime, cart_id: str, caller: Caller) -> PricedCart:
    async with runtime.sessions() as session:
        cart = await load(CartRepository(session), cart_id, caller)
        return await _answer(runtime, session, cart, utcnow())


async def _change(runtime: CartRuntime, cart_id: str, caller: Caller, change: Change) -> PricedCart:
    async with runtime.transaction() as tx:
        repo = CartRepository(tx.session)
        cart = await load(repo, cart_id, caller, lock=True)
        await change(tx.session, cart)
        await repo.save(cart)
        return await _answer(runtime, tx.session, cart, utcnow())


async def add_item(runtime: CartRuntime, cart_id: str, caller: Caller,
                   sku: str, quantity: int) -> PricedCart:
    async def add(session: AsyncSession, cart: Cart) -> None:
        cart.ensure_open()
        products, prices = await ReadModels(session).products_and_prices([sku])
        product = products.get(sku)
        if product is None:
            raise NotFound(f"No product has the SKU {sku}.")
        price = prices.get(sku)
        if not product.for_sale or price is None:
            raise Conflict(f"{product.name} ({sku}) is not for sale right now.", title="Not for sale")
        cart.add(line_id=str(uuid.uuid4()), sku=sku, quantity=quantity, unit_price=price.unit_price,
                 currency=price.currency, now=utcnow())

    return await _change(runtime, cart_id, caller, add)


async def change_quantity(runtime: CartRuntime, cart_id: str, caller: Caller,
                          line_id: str, quantity: int) -> PricedCart:
    async def change(_: AsyncSession, cart: Cart) -> None:
        cart.change_quantity(line_id, quantity, utcnow())

    return await _change(runtime, cart_id, caller, change)


async def remove_item(runtime: CartRuntime, cart_id: str, caller: Caller,
                      line_id: str) -> PricedCart:
    async def remove(_: AsyncSession, cart: Cart) -> None:
        cart.remove(line_id, utcnow())

    return await _change(runtime, cart_id, caller, remove)


async def merge_into_customer(runtime: CartRuntime, cart_id: str, caller: Caller) -> PricedCart:
    """On sign-in: fold the anonymous cart `cart_id` (its token proves it is the caller's) into the
    customer's open cart; with no open cart, the anonymous cart itself becomes the customer's.
    Merging again answers the same customer cart."""
    sub = caller.sub
    if sub is None or not caller.cart_token:
        raise Unauthorized("Merging needs the bearer token and the anonymous cart's X-Cart-Token.")
    now = utcnow()
    try:
        async with runtime.transaction() as tx:
            repo = CartRepository(tx.session)
            anon = await repo.get(cart_id, lock=True)
            if anon is not None and anon.customer_id == sub:  # merged before, when it became the customer's
                return await _answer(runtime, tx.session, anon, now)
            if anon is None or not anon.anonymous or not may_use(anon, Caller(None, caller.cart_token)):
                raise not_found(cart_id)
            if anon.status is CartStatus.merged and anon.merged_into:
                target = await repo.get(anon.merged_into)
                if target is None or target.customer_id != sub:
                    raise Conflict("This cart was already merged into another customer's cart.")
                return await _answer(runtime, tx.session, target, now)
            target = await repo.open_cart_of(sub, lock=True)
            if target is None:
                anon.ensure_open()
                anon.customer_id, anon.token_hash, anon.updated_at = sub, None, now
                target = anon
            else:
                target.absorb(anon, now)
                await repo.save(anon)
            await repo.save(target)
            return await _answer(runtime, tx.session, target, now)
    except IntegrityError as exc:
        raise Conflict("The customer's cart changed while merging; try again.") from exc


async def claim_cart(runtime: CartRuntime, cart_id: str, caller: Caller) -> tuple[PricedCart, list[Order]]:
    """On sign-in: the cart the caller's `X-Cart-Token` proves is theirs becomes the customer's, with its order
    (OrderClaimed), so a paid evaluation bought signed out counts for the customer. An open cart is merged
    (as `merge`). Claiming again answers the same; a cart someone else claimed answers 404."""
    sub = caller.sub
    if sub is None or not caller.cart_token:
        raise Unauthorized("Claiming needs the bearer token and the cart's X-Cart-Token.")
    assert caller.principal is not None
    if not caller.principal.has("customer"):
        raise Forbidden("Only a customer can claim a cart.")
    now = utcnow()
    async with runtime.transaction() as tx:
        repo, orders = CartRepository(tx.session), OrderRepository(tx.session)
        cart = await repo.get(cart_id, lock=True)
        if cart is None:
            raise not_found(cart_id)
        if cart.customer_id != sub:
            if not cart.anonymous or not may_use(cart, Caller(None, caller.cart_token)):
                raise not_found(cart_id)
            if cart.status is CartStatus.checked_out:
                cart.customer_id, cart.token_hash, cart.updated_at = sub, None, now
                await repo.save(cart)
                claimed = await orders.of_cart(cart.id)
                if claimed is not None and claimed.customer_id is None:
                    claimed.customer_id, claimed.updated_at = sub, now
                    await orders.save_state(claimed)
                    tx.track(claimed).record_claimed()
        if cart.status is CartStatus.checked_out or cart.customer_id == sub:
            order = await orders.of_cart(cart.id)
            return await _answer(runtime, tx.session, cart, now), [order] if order else []
    # An open (or merged) anonymous cart: the same as merging it on sign-in.
    return await merge_into_customer(runtime, cart_id, caller), []
