"""Domain events a product records; `service_layer/contracts.py` maps them onto catalog.product.v1.

Each carries the product as it was when the event was recorded (a copy: a later change in the same
use case does not reach it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from catalog.domain.product import Product


@dataclass(frozen=True)
class ProductPutOnSale:
    """A product became active: created active, or activated from draft."""

    product: Product


@dataclass(frozen=True)
class ProductChanged:
    """An active product changed and stays for sale."""

    product: Product


@dataclass(frozen=True)
class ProductWithdrawn:
    """An active product went back to draft: off sale downstream, as an archived one is."""

    product: Product


@dataclass(frozen=True)
class ProductArchived:
    product: Product


ProductEvent = ProductPutOnSale | ProductChanged | ProductWithdrawn | ProductArchived
