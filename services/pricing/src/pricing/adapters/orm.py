"""Pricing's tables. Money is BigInteger minor units next to a three-letter currency, everywhere."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from clinic_shared.db import JsonText, UtcDateTime, new_metadata

metadata = new_metadata()

_BIG_ID = BigInteger().with_variant(Integer, "sqlite")

prices = Table(
    "prices", metadata,
    Column("sku", String(64), primary_key=True),
    Column("unit_price", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("updated_by", String(200), nullable=False),
)

price_history = Table(
    "price_history", metadata,
    Column("id", _BIG_ID, primary_key=True, autoincrement=True),
    Column("sku", String(64), nullable=False, index=True),
    Column("unit_price", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("version", Integer, nullable=False),
    Column("changed_at", UtcDateTime(), nullable=False),
    Column("changed_by", String(200), nullable=False),
)

# The catalog's SKUs as its events describe them: a SKU is for sale when its product is active.
catalog_skus = Table(
    "catalog_skus", metadata,
    Column("sku", String(64), primary_key=True),
    Column("product_id", String(64), nullable=False, index=True),
    Column("for_sale", Boolean, nullable=False),
    Column("product_version", Integer, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    # The variant (what a competitor's product is compared with); None where the SKU has none.
    Column("label", String(200), nullable=True),
    Column("dose", String(100), nullable=True),
    Column("sessions", Integer, nullable=True),
    Column("supply_days", Integer, nullable=True),
)

competitors = Table(
    "competitors", metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("domain", String(253), nullable=False, unique=True),
    Column("kind", String(40), nullable=False),
    Column("licensed_regions", JsonText, nullable=False),  # JSON list of state codes
    Column("active", Boolean, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

reports = Table(
    "price_match_reports", metadata,
    Column("id", String(36), primary_key=True),
    Column("customer_id", String(200), nullable=False, index=True),
    Column("idempotency_key", String(200), nullable=True),
    Column("request_hash", String(64), nullable=False),
    Column("sku", String(64), nullable=False, index=True),
    Column("competitor_id", String(36), nullable=True),  # None: a competitor not on our list
    Column("competitor_name", String(200), nullable=False),
    Column("competitor_url", Text, nullable=False),
    Column("competitor_price", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("region", String(2), nullable=False),
    Column("price_kind", String(20), nullable=False),
    Column("observed_at", UtcDateTime(), nullable=False),
    Column("proof_url", Text, nullable=True),
    Column("quote_ref", String(200), nullable=True),
    Column("status", String(20), nullable=False, index=True),
    Column("reasons", JsonText, nullable=False),  # JSON list of sentences
    Column("codes", JsonText, nullable=False),  # JSON list of machine codes
    Column("created_at", UtcDateTime(), nullable=False, index=True),
    Column("decided_at", UtcDateTime(), nullable=True),
    Column("decided_by", String(200), nullable=True),
    Column("discount_id", String(36), nullable=True),
    Column("competitor_product", String(200), nullable=True),
    Column("competitor_strength", String(100), nullable=True),
    Column("competitor_quantity", Integer, nullable=True),
    Column("refund_order_id", String(200), nullable=True),
    Column("refund_amount", BigInteger, nullable=True),
    Column("refunded_at", UtcDateTime(), nullable=True),
    UniqueConstraint("customer_id", "idempotency_key", name="uq_price_match_reports_idempotency"),
)

report_audit = Table(
    "price_match_report_audit", metadata,
    Column("id", _BIG_ID, primary_key=True, autoincrement=True),
    Column("report_id", String(36), ForeignKey("price_match_reports.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("position", Integer, nullable=False),
    Column("at", UtcDateTime(), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(40), nullable=False),
    Column("detail", Text, nullable=False),
    UniqueConstraint("report_id", "position", name="uq_price_match_report_audit_position"),
)

discounts = Table(
    "discounts", metadata,
    Column("id", String(36), primary_key=True),
    Column("customer_id", String(200), nullable=False, index=True),
    Column("sku", String(64), nullable=False),
    Column("report_id", String(36), nullable=False, unique=True),
    Column("amount_off", BigInteger, nullable=False),
    Column("final_unit_price", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("granted_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False, index=True),
    Column("status", String(20), nullable=False, index=True),
    Column("redeemed_order_id", String(200), nullable=True),
    Column("redeemed_at", UtcDateTime(), nullable=True),
    Column("revoked_reason", Text, nullable=True),
    Column("percent_off", Integer, nullable=False, server_default="20"),
    Column("our_unit_price_at_grant", BigInteger, nullable=False, server_default="0"),
    Column("competitor_unit_price", BigInteger, nullable=False, server_default="0"),
    Column("region", String(2), nullable=True),
    Column("max_units", Integer, nullable=False, server_default="1"),
)

# "One granted match per customer per SKU within the window", held by the database on PostgreSQL and
# SQLite alike: one row per customer and SKU, claimed (inserted, or taken over once the window has
# passed) in the transaction that grants the match.
match_claims = Table(
    "price_match_claims", metadata,
    Column("customer_id", String(200), primary_key=True),
    Column("sku", String(64), primary_key=True),
    Column("report_id", String(36), nullable=False),
    Column("granted_at", UtcDateTime(), nullable=False),
)

# Paid order lines (from cart.order.v1): what a customer bought, for a price match after purchase.
purchases = Table(
    "purchases", metadata,
    Column("order_id", String(200), primary_key=True),
    Column("sku", String(64), primary_key=True),
    Column("customer_id", String(200), nullable=True, index=True),  # None until a signed-out order is claimed
    Column("quantity", Integer, nullable=False),
    Column("paid_unit_price", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("paid_at", UtcDateTime(), nullable=False),
    Column("region", String(2), nullable=True),
    Column("refunded", Boolean, nullable=False, default=False),
)
