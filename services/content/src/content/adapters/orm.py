"""The content service's tables: articles and comments it owns, and read models of products and prices.

An article's rendered HTML (intro and sections) and its plain text are stored next to the Markdown,
so readers never pay for rendering. On PostgreSQL the migration adds a generated, weighted
``search_vector`` (tsvector) column with a GIN index; it is not declared here because SQLite has none.
A comment's email is stored for the clinic only: no query that feeds an answer, event or log selects it.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text

from clinic_shared.db import JsonText, UtcDateTime, new_metadata

metadata = new_metadata()

articles = Table(
    "articles", metadata,
    Column("id", String(36), primary_key=True),
    Column("slug", String(120), nullable=False, unique=True),
    Column("title", String(200), nullable=False),
    Column("summary", String(500), nullable=False),
    Column("markdown", Text, nullable=False),
    Column("intro_html", Text, nullable=False),
    Column("sections", JsonText, nullable=False),  # JSON list of {title, html, level}
    Column("search_text", Text, nullable=False),  # the body as plain text
    Column("author", String(200), nullable=False),
    Column("medical_reviewer", String(200), nullable=True),
    Column("reviewed_at", UtcDateTime(), nullable=True),
    Column("tags", JsonText, nullable=False),  # JSON list of slugs
    Column("related_skus", JsonText, nullable=False),  # JSON list of SKU codes, in the editor's order
    Column("status", String(20), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("published_at", UtcDateTime(), nullable=True, index=True),
)

article_conditions = Table(
    "article_conditions", metadata,
    Column("article_id", String(36), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("condition", String(120), primary_key=True, index=True),
    Column("position", Integer, nullable=False),
)

comments = Table(
    "comments", metadata,
    Column("id", String(36), primary_key=True),
    Column("article_id", String(36), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("parent_id", String(36), ForeignKey("comments.id"), nullable=True, index=True),
    Column("author_name", String(100), nullable=False),
    Column("email", String(254), nullable=True),  # never selected for an answer; NULL once erased
    Column("email_hash", String(64), nullable=True, index=True),  # HMAC(pepper, email); NULL once erased
    Column("website", Text, nullable=True),
    Column("body", Text, nullable=False),  # as typed; kept to re-render if the policy changes, never answered
    Column("body_html", Text, nullable=False),  # sanitize_comment(body): the only form a reader gets
    Column("body_fingerprint", String(64), nullable=True),
    Column("status", String(20), nullable=False, index=True),
    Column("reasons", JsonText, nullable=False),  # JSON list of sentences
    Column("created_at", UtcDateTime(), nullable=False, index=True),
    Column("decided_at", UtcDateTime(), nullable=True),
    Column("decided_by", String(200), nullable=True),
    Column("erased_at", UtcDateTime(), nullable=True),
)

# Read models, fed by catalog.product.v1 and pricing.price.v1 (never the other services' tables).
products = Table(
    "products", metadata,
    Column("id", String(64), primary_key=True),
    Column("slug", String(120), nullable=False),
    Column("name", String(200), nullable=False),
    Column("status", String(20), nullable=False),
    Column("version", Integer, nullable=False),
)

product_skus = Table(
    "product_skus", metadata,
    Column("sku", String(64), primary_key=True),
    Column("product_id", String(64), ForeignKey("products.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("label", String(200), nullable=False),
    Column("position", Integer, nullable=False),
)

prices = Table(
    "prices", metadata,
    Column("sku", String(64), primary_key=True),
    Column("unit_price", Integer, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("version", Integer, nullable=False),
)
