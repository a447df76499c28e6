"""Topics: one per aggregate stream, keyed by aggregate id so order holds per key."""

from __future__ import annotations

CATALOG_PRODUCT = "catalog.product.v1"  # key: product id
PRICING_PRICE = "pricing.price.v1"  # key: SKU
PRICING_PRICE_MATCH = "pricing.price-match.v1"  # key: customer id
CART_ORDER = "cart.order.v1"  # key: order id
CONTENT_ARTICLE = "content.article.v1"  # key: article id
CONTENT_COMMENT = "content.comment.v1"  # key: article id

ALL_TOPICS = (CATALOG_PRODUCT, PRICING_PRICE, PRICING_PRICE_MATCH, CART_ORDER, CONTENT_ARTICLE, CONTENT_COMMENT)


def dlq_of(topic: str) -> str:
    return f"{topic}.dlq"
