"""The price-match money rules in the cart: discounts carry their basis, region, unit cap and reservation;
orders record what was refunded; order lines how many units were discounted.

Revision ID: 0002_cart_rules
Revises: 0002_dlq_parking
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_cart_rules"
down_revision = "0002_dlq_parking"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("discounts") as t:
        t.add_column(sa.Column("percent_off", sa.Integer, nullable=True))
        t.add_column(sa.Column("our_unit_price_at_grant", sa.Integer, nullable=True))
        t.add_column(sa.Column("competitor_unit_price", sa.Integer, nullable=True))
        t.add_column(sa.Column("region", sa.String(2), nullable=True))
        t.add_column(sa.Column("max_units", sa.Integer, nullable=True))
        t.add_column(sa.Column("grant_version", sa.Integer, nullable=True))
        t.add_column(sa.Column("reserved_by_order", sa.String(36), nullable=True))
        t.add_column(sa.Column("reserved_at", TZ, nullable=True))
        t.create_index("ix_discounts_reserved_by_order", ["reserved_by_order"])
    with op.batch_alter_table("orders") as t:
        t.add_column(sa.Column("amount_refunded", sa.Integer, nullable=False, server_default="0"))
        t.create_index("ix_orders_customer_created", ["customer_id", "created_at"])
    with op.batch_alter_table("order_lines") as t:
        t.add_column(sa.Column("discounted_units", sa.Integer, nullable=False, server_default="0"))
    op.create_table(
        "order_refunds",
        sa.Column("idempotency_key", sa.String(120), primary_key=True),
        sa.Column("order_id", sa.String(36), nullable=False, index=True),
        sa.Column("amount", sa.Integer, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("report_id", sa.String(64), nullable=True),
        sa.Column("stripe_refund_id", sa.String(255), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
    )
    # Orders made before this took the discount off every unit of the line.
    op.execute("UPDATE order_lines SET discounted_units = quantity WHERE discount_id IS NOT NULL")


def downgrade() -> None:
    op.drop_table("order_refunds")
    with op.batch_alter_table("order_lines") as t:
        t.drop_column("discounted_units")
    with op.batch_alter_table("orders") as t:
        t.drop_index("ix_orders_customer_created")
        t.drop_column("amount_refunded")
    with op.batch_alter_table("discounts") as t:
        t.drop_index("ix_discounts_reserved_by_order")
        for name in ("reserved_at", "reserved_by_order", "grant_version", "max_units", "region",
                     "competitor_unit_price", "our_unit_price_at_grant", "percent_off"):
            t.drop_column(name)
