"""The cart's HTTP shapes. Names follow docs/product-rules.md#names-the-clients-rely-on; money is integer
minor units next to `currency`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from cart.domain.cart import MAX_QUANTITY
from cart.domain.order import Order, OrderStatus
from cart.domain.pricing import PricedCart, PricedLine
from clinic_shared.regions import US_STATES

SkuCode = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$", min_length=2, max_length=64)]
Quantity = Annotated[int, Field(ge=1, le=MAX_QUANTITY)]


class ItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sku: SkuCode
    quantity: Quantity = 1


class QuantityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    quantity: Quantity


class CheckoutIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    region: Annotated[str, StringConstraints(min_length=2, max_length=2)] = Field(
        description="The customer's US state code, e.g. NY.")
    expected_total: Annotated[int, Field(ge=0, le=10**12)] | None = Field(
        None, description="The total the customer confirms. If the total is now different: 409 with `total` and "
                          "`expected_total`. Omitted: the total may not be above the total at the prices the "
                          "customer saw (409 with both otherwise); a lower total is charged.")

    @field_validator("region")
    @classmethod
    def _state(cls, v: str) -> str:
        if v not in US_STATES:
            raise ValueError(f"'{v}' is not a US state code")
        return v


class CartLineOut(BaseModel):
    id: str
    sku: str
    name: str
    quantity: int
    unit_price_seen: int = Field(description="The unit price when the customer added the item.")
    unit_price: int = Field(description="The current unit price.")
    price_changed: bool
    discount: int = Field(description="The customer's discount per discounted unit, minor units.")
    discount_id: str | None
    discounted_units: int = Field(description="How many units of the line get the discount (at most its max_units).")
    final_unit_price: int = Field(description="The price of each discounted unit (of each unit with no discount).")
    line_total: int
    currency: str
    available: bool
    notices: list[str]

    @classmethod
    def of(cls, p: PricedLine) -> CartLineOut:
        return cls(id=p.line.id, sku=p.line.sku, name=p.product.name if p.product else p.line.sku,
                   quantity=p.line.quantity, unit_price_seen=p.line.unit_price_seen, unit_price=p.unit_price,
                   price_changed=p.price_changed, discount=p.discount, discount_id=p.discount_id,
                   discounted_units=p.discounted_units, final_unit_price=p.final_unit_price, line_total=p.line_total,
                   currency=p.currency,
                   available=p.available, notices=list(p.notices))


class CartOut(BaseModel):
    id: str
    status: str
    items: list[CartLineOut]
    is_empty: bool
    subtotal: int
    discount_total: int
    total: int
    currency: str
    notices: list[str] = Field(description="Everything the customer should be told: price changes, discounts, ...")
    merged_into: str | None = None

    @classmethod
    def of(cls, c: PricedCart) -> CartOut:
        return cls(id=c.cart.id, status=c.cart.status.value, items=[CartLineOut.of(p) for p in c.lines],
                   is_empty=not c.lines, subtotal=c.subtotal, discount_total=c.discount_total, total=c.total,
                   currency=c.currency, notices=(["Your Cart is empty!"] if not c.lines else c.notices),
                   merged_into=c.cart.merged_into)


class CartCreated(CartOut):
    token: str | None = Field(description="An anonymous cart's token (send it as X-Cart-Token); shown only once.")


class CheckoutOut(BaseModel):
    order_id: str
    status: OrderStatus
    amount: int
    currency: str
    client_secret: str
    payment_intent_id: str

    @classmethod
    def of(cls, o: Order) -> CheckoutOut:
        assert o.client_secret and o.payment_intent_id
        return cls(order_id=o.id, status=o.status, amount=o.total, currency=o.currency,
                   client_secret=o.client_secret, payment_intent_id=o.payment_intent_id)


class OrderLineOut(BaseModel):
    sku: str
    name: str
    category: str
    quantity: int
    unit_price_seen: int
    unit_price: int
    discount_id: str | None
    discount_per_unit: int
    discounted_units: int
    line_total: int


class OrderOut(BaseModel):
    id: str
    cart_id: str
    status: OrderStatus
    region: str
    items: list[OrderLineOut]
    subtotal: int
    discount_total: int
    total: int
    currency: str
    payment_intent_id: str | None
    failure_reason: str | None
    amount_refunded: int = Field(description="What went back to the customer, in all (minor units).")
    created_at: datetime
    paid_at: datetime | None

    @classmethod
    def of(cls, o: Order) -> OrderOut:
        items = [OrderLineOut(sku=ln.sku, name=ln.name, category=ln.category, quantity=ln.quantity,
                              unit_price_seen=ln.unit_price_seen, unit_price=ln.unit_price, discount_id=ln.discount_id,
                              discount_per_unit=ln.discount_per_unit, discounted_units=ln.discounted_units,
                              line_total=ln.line_total) for ln in o.lines]
        return cls(id=o.id, cart_id=o.cart_id, status=o.status, region=o.region, items=items, subtotal=o.subtotal,
                   discount_total=o.discount_total, total=o.total, currency=o.currency,
                   payment_intent_id=o.payment_intent_id, failure_reason=o.failure_reason,
                   amount_refunded=o.amount_refunded, created_at=o.created_at, paid_at=o.paid_at)


class OrderPage(BaseModel):
    items: list[OrderOut]
    total: int = Field(description="How many orders the customer has in all.")
    limit: int
    offset: int


class ClaimOut(BaseModel):
    cart: CartOut
    order_ids: list[str] = Field(description="The orders that now belong to the customer.")


class WebhookAck(BaseModel):
    received: bool
    outcome: str
