"""The catalog's tables. Conditions get their own table so filters are plain indexed SQL."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table, Text

from clinic_shared.db import JsonText, UtcDateTime, new_metadata

metadata = new_metadata()

products = Table(
    "products", metadata,
    Column("id", String(36), primary_key=True),
    Column("slug", String(120), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("category", String(40), nullable=False, index=True),
    Column("route", String(40), nullable=True, index=True),
    Column("regions", JsonText, nullable=False),  # JSON list of state codes
    Column("requires_evaluation", Boolean, nullable=False),
    Column("status", String(20), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

product_conditions = Table(
    "product_conditions", metadata,
    Column("product_id", String(36), ForeignKey("products.id", ondelete="CASCADE"), primary_key=True),
    Column("condition", String(40), primary_key=True, index=True),
)

skus = Table(
    "skus", metadata,
    Column("sku", String(64), primary_key=True),
    Column("product_id", String(36), ForeignKey("products.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("label", String(200), nullable=False),
    Column("dose", String(100), nullable=True),
    Column("sessions", Integer, nullable=True),
    Column("supply_days", Integer, nullable=True),
)
