"""Reading and writing orders and their line snapshots."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from cart.adapters.orm import order_lines, order_refunds, orders
from cart.domain.catalog import EVALUATION
from cart.domain.order import Order, OrderLine, OrderStatus


class OrderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, order_id: str, *, lock: bool = False) -> Order | None:
        stmt = select(orders).where(orders.c.id == order_id)
        row = (await self.session.execute(stmt.with_for_update() if lock else stmt)).first()
        return await self._load(row) if row else None

    async def of_cart(self, cart_id: str) -> Order | None:
        row = (await self.session.execute(select(orders).where(orders.c.cart_id == cart_id))).first()
        return await self._load(row) if row else None

    async def id_of_cart(self, cart_id: str) -> str | None:
        return (await self.session.execute(select(orders.c.id).where(orders.c.cart_id == cart_id))).scalar()

    async def by_payment_intent(self, payment_intent_id: str, *, lock: bool = False) -> Order | None:
        """The newest order with this PaymentIntent (ids are unique at Stripe; stripe-mock repeats them)."""
        stmt = (select(orders).where(orders.c.payment_intent_id == payment_intent_id)
                .order_by(orders.c.created_at.desc()).limit(1))
        row = (await self.session.execute(stmt.with_for_update() if lock else stmt)).first()
        return await self._load(row) if row else None

    async def of_customer(self, customer_id: str, *, limit: int, offset: int) -> tuple[list[Order], int]:
        """The customer's orders, newest first, and how many there are in all."""
        total = (await self.session.execute(
            select(func.count()).select_from(orders).where(orders.c.customer_id == customer_id))).scalar_one()
        rows = await self.session.execute(
            select(orders).where(orders.c.customer_id == customer_id)
            .order_by(orders.c.created_at.desc(), orders.c.id.desc()).limit(limit).offset(offset))
        return [await self._load(r) for r in rows.all()], int(total)

    async def has_paid_evaluation(self, customer_id: str) -> bool:
        """Has this customer a paid order with a product of the evaluation category in it? A refunded order
        (status refunded) no longer counts."""
        stmt = select(exists().where(
            orders.c.customer_id == customer_id, orders.c.status == OrderStatus.paid.value,
            order_lines.c.order_id == orders.c.id, order_lines.c.category == EVALUATION,
        ))
        return bool((await self.session.execute(stmt)).scalar())

    async def add(self, order: Order) -> None:
        await self.session.execute(insert(orders).values(
            id=order.id, cart_id=order.cart_id, region=order.region,
            subtotal=order.subtotal, discount_total=order.discount_total, total=order.total,
            currency=order.currency, created_at=order.created_at, **self._state(order),
        ))
        await self.session.execute(insert(order_lines), [
            {"order_id": order.id, "position": i, "sku": ln.sku, "product_id": ln.product_id, "name": ln.name,
             "category": ln.category, "quantity": ln.quantity, "unit_price_seen": ln.unit_price_seen,
             "unit_price": ln.unit_price, "discount_id": ln.discount_id, "discount_per_unit": ln.discount_per_unit,
             "line_total": ln.line_total, "discounted_units": ln.discounted_units}
            for i, ln in enumerate(order.lines)
        ])

    async def save_state(self, order: Order) -> None:
        await self.session.execute(update(orders).where(orders.c.id == order.id).values(**self._state(order)))

    async def attach_payment(self, order_id: str, payment_intent_id: str, client_secret: str) -> None:
        """Record the PaymentIntent unless the order already has another (the first one made wins)."""
        await self.session.execute(
            update(orders).where(
                orders.c.id == order_id, orders.c.client_secret.is_(None),
                or_(orders.c.payment_intent_id.is_(None), orders.c.payment_intent_id == payment_intent_id),
            ).values(payment_intent_id=payment_intent_id, client_secret=client_secret)
        )

    @staticmethod
    def _state(order: Order) -> dict[str, object]:
        return {"status": order.status.value, "payment_intent_id": order.payment_intent_id,
                "client_secret": order.client_secret, "failure_reason": order.failure_reason,
                "updated_at": order.updated_at, "paid_at": order.paid_at,
                "amount_refunded": order.amount_refunded, "customer_id": order.customer_id}

    async def _load(self, row: object) -> Order:
        r = row._mapping  # type: ignore[attr-defined]
        lines = [
            OrderLine(sku=ln.sku, product_id=ln.product_id, name=ln.name, category=ln.category,
                      quantity=ln.quantity, unit_price_seen=ln.unit_price_seen, unit_price=ln.unit_price,
                      discount_id=ln.discount_id, discount_per_unit=ln.discount_per_unit, line_total=ln.line_total,
                      discounted_units=ln.discounted_units)
            for ln in await self.session.execute(
                select(order_lines).where(order_lines.c.order_id == r["id"]).order_by(order_lines.c.position)
            )
        ]
        return Order(
            id=r["id"], cart_id=r["cart_id"], customer_id=r["customer_id"], region=r["region"],
            status=OrderStatus(r["status"]), lines=lines, subtotal=r["subtotal"], discount_total=r["discount_total"],
            total=r["total"], currency=r["currency"], created_at=r["created_at"], updated_at=r["updated_at"],
            payment_intent_id=r["payment_intent_id"], client_secret=r["client_secret"], paid_at=r["paid_at"],
            failure_reason=r["failure_reason"], amount_refunded=r["amount_refunded"],
        )

    async def refund_made(self, idempotency_key: str) -> bool:
        stmt = select(order_refunds.c.idempotency_key).where(order_refunds.c.idempotency_key == idempotency_key)
        return (await self.session.execute(stmt)).first() is not None

    async def add_refund(self, *, idempotency_key: str, order: Order, amount: int, reason: str,
                         report_id: str | None, stripe_refund_id: str, now: datetime) -> None:
        await self.session.execute(insert(order_refunds).values(
            idempotency_key=idempotency_key, order_id=order.id, amount=amount, currency=order.currency, reason=reason,
            report_id=report_id, stripe_refund_id=stripe_refund_id, created_at=now))
