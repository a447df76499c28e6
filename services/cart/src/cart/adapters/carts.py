"""Reading and writing carts and their lines."""

from __future__ import annotations

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from cart.adapters.orm import cart_lines, carts
from cart.domain.cart import Cart, CartLine, CartStatus


class CartRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, cart_id: str, *, lock: bool = False) -> Cart | None:
        """`lock` takes the cart's row lock (SELECT ... FOR UPDATE) until the transaction ends."""
        return await self._one(carts.c.id == cart_id, lock)

    async def open_cart_of(self, customer_id: str, *, lock: bool = False) -> Cart | None:
        return await self._one((carts.c.customer_id == customer_id) & (carts.c.status == CartStatus.open.value), lock)

    async def _one(self, where: ColumnElement[bool], lock: bool) -> Cart | None:
        """The first cart matching `where` with its lines, in one statement (the cart joined to its lines);
        `lock` locks the cart's row only (FOR UPDATE OF carts: the lines are the outer join's side)."""
        line = cart_lines.alias("line")
        stmt = (select(carts, line.c.id.label("line_id"), line.c.sku, line.c.quantity, line.c.unit_price_seen,
                       line.c.currency, line.c.added_at)
                .outerjoin(line, line.c.cart_id == carts.c.id).where(where)
                .order_by(carts.c.id, line.c.added_at, line.c.id))
        rows = (await self.session.execute(stmt.with_for_update(of=carts) if lock else stmt)).all()
        if not rows:
            return None
        r = rows[0]
        lines = [CartLine(ln.line_id, ln.sku, ln.quantity, ln.unit_price_seen, ln.currency, ln.added_at)
                 for ln in rows if ln.id == r.id and ln.line_id is not None]
        return Cart(id=r.id, customer_id=r.customer_id, token_hash=r.token_hash, status=CartStatus(r.status),
                    created_at=r.created_at, updated_at=r.updated_at, lines=lines, merged_into=r.merged_into)

    async def add(self, cart: Cart) -> None:
        await self.session.execute(insert(carts).values(**self._row(cart), created_at=cart.created_at))
        await self._write_lines(cart)

    async def save(self, cart: Cart) -> None:
        await self.session.execute(update(carts).where(carts.c.id == cart.id).values(**self._row(cart)))
        await self.session.execute(delete(cart_lines).where(cart_lines.c.cart_id == cart.id))
        await self._write_lines(cart)

    @staticmethod
    def _row(cart: Cart) -> dict[str, object]:
        return {"id": cart.id, "customer_id": cart.customer_id, "token_hash": cart.token_hash,
                "status": cart.status.value, "merged_into": cart.merged_into, "updated_at": cart.updated_at}

    async def _write_lines(self, cart: Cart) -> None:
        if cart.lines:
            await self.session.execute(insert(cart_lines), [
                {"id": ln.id, "cart_id": cart.id, "sku": ln.sku, "quantity": ln.quantity,
                 "unit_price_seen": ln.unit_price_seen, "currency": ln.currency, "added_at": ln.added_at}
                for ln in cart.lines
            ])
