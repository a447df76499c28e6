"""The cart's tables: carts and lines, orders and their line snapshots, and the read models."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from clinic_shared.db import JsonText, UtcDateTime, new_metadata

metadata = new_metadata()

carts = Table(
    "carts", metadata,
    Column("id", String(36), primary_key=True),
    Column("customer_id", String(200), nullable=True),
    Column("token_hash", String(64), nullable=True),  # sha256 of the anonymous cart's token, never the token
    Column("status", String(20), nullable=False),
    Column("merged_into", String(36), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    # One open cart per customer, even when two requests race to make it.
    Index("uq_carts_open_customer", "customer_id", unique=True,
          postgresql_where=text("status = 'open'"), sqlite_where=text("status = 'open'")),
)

cart_lines = Table(
    "cart_lines", metadata,
    Column("id", String(36), primary_key=True),
    Column("cart_id", String(36), ForeignKey("carts.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("sku", String(64), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit_price_seen", Integer, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("added_at", UtcDateTime(), nullable=False),
    UniqueConstraint("cart_id", "sku", name="uq_cart_lines_cart_sku"),
)

orders = Table(
    "orders", metadata,
    Column("id", String(36), primary_key=True),
    Column("cart_id", String(36), nullable=False, unique=True),  # one order per cart: a second checkout finds it
    Column("customer_id", String(200), nullable=True, index=True),
    Column("region", String(2), nullable=False),
    Column("status", String(20), nullable=False),
    Column("subtotal", Integer, nullable=False),
    Column("discount_total", Integer, nullable=False),
    Column("total", Integer, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("payment_intent_id", String(255), nullable=True, index=True),  # not unique: stripe-mock repeats ids
    Column("client_secret", String(255), nullable=True),
    Column("failure_reason", Text, nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("paid_at", UtcDateTime(), nullable=True),
    # 0002_cart_rules: what Stripe has refunded of the payment, in all (charge.refunded is cumulative).
    Column("amount_refunded", Integer, nullable=False, server_default="0"),
    Index("ix_orders_customer_created", "customer_id", "created_at"),
)

order_lines = Table(
    "order_lines", metadata,
    Column("order_id", String(36), ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("sku", String(64), nullable=False),
    Column("product_id", String(64), nullable=False),
    Column("name", String(200), nullable=False),
    Column("category", String(40), nullable=False, index=True),
    Column("quantity", Integer, nullable=False),
    Column("unit_price_seen", Integer, nullable=False),
    Column("unit_price", Integer, nullable=False),
    Column("discount_id", String(64), nullable=True),
    Column("discount_per_unit", Integer, nullable=False),
    Column("line_total", Integer, nullable=False),
    Column("discounted_units", Integer, nullable=False, server_default="0"),  # 0002_cart_rules
)

# 0002_cart_rules: each refund the cart asked Stripe for, by its idempotency key (one refund per key, ever).
order_refunds = Table(
    "order_refunds", metadata,
    Column("idempotency_key", String(120), primary_key=True),
    Column("order_id", String(36), nullable=False, index=True),
    Column("amount", Integer, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("reason", String(40), nullable=False),
    Column("report_id", String(64), nullable=True),
    Column("stripe_refund_id", String(255), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
)

# -- read models, built from the catalog's and pricing's events -----------------------------------
products = Table(
    "products", metadata,
    Column("product_id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("category", String(40), nullable=False),
    Column("status", String(20), nullable=False),
    Column("regions", JsonText, nullable=False),  # JSON list of state codes
    Column("requires_evaluation", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
)

product_skus = Table(
    "product_skus", metadata,
    Column("sku", String(64), primary_key=True),
    Column("product_id", String(64), nullable=False, index=True),
)

prices = Table(
    "prices", metadata,
    Column("sku", String(64), primary_key=True),
    Column("unit_price", Integer, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("version", Integer, nullable=False),
)

discounts = Table(
    "discounts", metadata,
    Column("discount_id", String(64), primary_key=True),
    Column("customer_id", String(200), nullable=False, index=True),
    Column("sku", String(64), nullable=False),
    Column("report_id", String(64), nullable=True),
    # Null only while a revoke/expiry/redemption arrived before its grant (a tombstone).
    Column("amount_off", Integer, nullable=True),
    Column("final_unit_price", Integer, nullable=True),
    Column("currency", String(3), nullable=True),
    Column("expires_at", UtcDateTime(), nullable=True),
    Column("status", String(20), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    # 0002_cart_rules: the money rule of DiscountGranted v2 (a v1 grant is mapped, see the README).
    Column("percent_off", Integer, nullable=True),
    Column("our_unit_price_at_grant", Integer, nullable=True),
    Column("competitor_unit_price", Integer, nullable=True),
    Column("region", String(2), nullable=True),  # None: any region (a v1 grant)
    Column("max_units", Integer, nullable=True),
    Column("grant_version", Integer, nullable=True),  # 1 or 2: the event version it came from
    # The order awaiting payment that holds it; set by checkout, cleared when that payment fails or ends.
    Column("reserved_by_order", String(36), nullable=True, index=True),
    Column("reserved_at", UtcDateTime(), nullable=True),
)
