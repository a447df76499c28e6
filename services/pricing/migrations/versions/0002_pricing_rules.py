"""The price-match money rules: v2 discount terms (percent, prices at the grant, region, units), the
competitor's product on reports, refunds after purchase, the catalog variant, the per-customer-per-SKU
match claim, and paid purchases.

Revision ID: 0002_pricing_rules
Revises: 0002_dlq_parking
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_pricing_rules"
down_revision = "0002_dlq_parking"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("discounts") as t:
        t.add_column(sa.Column("percent_off", sa.Integer, nullable=False, server_default="20"))
        t.add_column(sa.Column("our_unit_price_at_grant", sa.BigInteger, nullable=False, server_default="0"))
        t.add_column(sa.Column("competitor_unit_price", sa.BigInteger, nullable=False, server_default="0"))
        t.add_column(sa.Column("region", sa.String(2), nullable=True))
        t.add_column(sa.Column("max_units", sa.Integer, nullable=False, server_default="1"))
    with op.batch_alter_table("price_match_reports") as t:
        t.add_column(sa.Column("competitor_product", sa.String(200), nullable=True))
        t.add_column(sa.Column("competitor_strength", sa.String(100), nullable=True))
        t.add_column(sa.Column("competitor_quantity", sa.Integer, nullable=True))
        t.add_column(sa.Column("refund_order_id", sa.String(200), nullable=True))
        t.add_column(sa.Column("refund_amount", sa.BigInteger, nullable=True))
        t.add_column(sa.Column("refunded_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("catalog_skus") as t:
        t.add_column(sa.Column("label", sa.String(200), nullable=True))
        t.add_column(sa.Column("dose", sa.String(100), nullable=True))
        t.add_column(sa.Column("sessions", sa.Integer, nullable=True))
        t.add_column(sa.Column("supply_days", sa.Integer, nullable=True))
    op.create_table(
        "price_match_claims",
        sa.Column("customer_id", sa.String(200), primary_key=True),
        sa.Column("sku", sa.String(64), primary_key=True),
        sa.Column("report_id", sa.String(36), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
    )
    # Existing grants claim their slot (the latest per customer and SKU).
    op.execute(
        "INSERT INTO price_match_claims (customer_id, sku, report_id, granted_at) "
        "SELECT d.customer_id, d.sku, MIN(d.report_id), d.granted_at FROM discounts d "
        "WHERE d.granted_at = (SELECT MAX(e.granted_at) FROM discounts e "
        "WHERE e.customer_id = d.customer_id AND e.sku = d.sku) GROUP BY d.customer_id, d.sku, d.granted_at"
    )
    op.create_table(
        "purchases",
        sa.Column("order_id", sa.String(200), primary_key=True),
        sa.Column("sku", sa.String(64), primary_key=True),
        sa.Column("customer_id", sa.String(200), nullable=True, index=True),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("paid_unit_price", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("region", sa.String(2), nullable=True),
        sa.Column("refunded", sa.Boolean, nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_table("purchases")
    op.drop_table("price_match_claims")
    with op.batch_alter_table("catalog_skus") as t:
        for name in ("supply_days", "sessions", "dose", "label"):
            t.drop_column(name)
    with op.batch_alter_table("price_match_reports") as t:
        for name in ("refunded_at", "refund_amount", "refund_order_id", "competitor_quantity",
                     "competitor_strength", "competitor_product"):
            t.drop_column(name)
    with op.batch_alter_table("discounts") as t:
        for name in ("max_units", "region", "competitor_unit_price", "our_unit_price_at_grant", "percent_off"):
            t.drop_column(name)
