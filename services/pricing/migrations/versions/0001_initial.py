"""Pricing's first tables: prices and their history, the catalog's SKUs, competitors, price-match
reports and their audit trail, discounts; the outbox and inbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from clinic_shared.migrations import create_messaging_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

big_id = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    create_messaging_tables()
    op.create_table(
        "prices",
        sa.Column("sku", sa.String(64), primary_key=True),
        sa.Column("unit_price", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
    )
    op.create_table(
        "price_history",
        sa.Column("id", big_id, primary_key=True, autoincrement=True),
        sa.Column("sku", sa.String(64), nullable=False, index=True),
        sa.Column("unit_price", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.String(200), nullable=False),
    )
    op.create_table(
        "catalog_skus",
        sa.Column("sku", sa.String(64), primary_key=True),
        sa.Column("product_id", sa.String(64), nullable=False, index=True),
        sa.Column("for_sale", sa.Boolean, nullable=False),
        sa.Column("product_version", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "competitors",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("domain", sa.String(253), nullable=False, unique=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("licensed_regions", sa.Text, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "price_match_reports",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("customer_id", sa.String(200), nullable=False, index=True),
        sa.Column("idempotency_key", sa.String(200), nullable=True),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("sku", sa.String(64), nullable=False, index=True),
        sa.Column("competitor_id", sa.String(36), nullable=True),
        sa.Column("competitor_name", sa.String(200), nullable=False),
        sa.Column("competitor_url", sa.Text, nullable=False),
        sa.Column("competitor_price", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("region", sa.String(2), nullable=False),
        sa.Column("price_kind", sa.String(20), nullable=False),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("proof_url", sa.Text, nullable=True),
        sa.Column("quote_ref", sa.String(200), nullable=True),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("reasons", sa.Text, nullable=False),
        sa.Column("codes", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(200), nullable=True),
        sa.Column("discount_id", sa.String(36), nullable=True),
        sa.UniqueConstraint("customer_id", "idempotency_key", name="uq_price_match_reports_idempotency"),
    )
    op.create_table(
        "price_match_report_audit",
        sa.Column("id", big_id, primary_key=True, autoincrement=True),
        sa.Column("report_id", sa.String(36), sa.ForeignKey("price_match_reports.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.UniqueConstraint("report_id", "position", name="uq_price_match_report_audit_position"),
    )
    op.create_table(
        "discounts",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("customer_id", sa.String(200), nullable=False, index=True),
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("report_id", sa.String(36), nullable=False, unique=True),
        sa.Column("amount_off", sa.BigInteger, nullable=False),
        sa.Column("final_unit_price", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("redeemed_order_id", sa.String(200), nullable=True),
        sa.Column("redeemed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.Text, nullable=True),
    )


def downgrade() -> None:
    for table in ("discounts", "price_match_report_audit", "price_match_reports", "competitors", "catalog_skus",
                  "price_history", "prices", "inbox", "outbox"):
        op.drop_table(table)
