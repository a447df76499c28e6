"""Pricing's HTTP shapes (kept apart from the tables). Names follow docs/product-rules.md#names-the-clients-rely-on.

Money is an integer of minor units next to an ISO 4217 currency, in and out.
"""

from pricing.entrypoints.http.schemas.competitors import (
    CompetitorIn,
    CompetitorList,
    CompetitorOut,
    CompetitorPatch,
    EligibleCompetitorList,
    EligibleCompetitorOut,
)
from pricing.entrypoints.http.schemas.discounts import DiscountList, DiscountOut
from pricing.entrypoints.http.schemas.fields import SKU_PATTERN
from pricing.entrypoints.http.schemas.prices import PriceHistoryOut, PriceIn, PriceOut, PriceVersionOut
from pricing.entrypoints.http.schemas.reports import AuditOut, DecisionIn, ReportIn, ReportList, ReportOut

__all__ = [
    "SKU_PATTERN",
    "AuditOut",
    "CompetitorIn",
    "CompetitorList",
    "CompetitorOut",
    "CompetitorPatch",
    "DecisionIn",
    "DiscountList",
    "DiscountOut",
    "EligibleCompetitorList",
    "EligibleCompetitorOut",
    "PriceHistoryOut",
    "PriceIn",
    "PriceOut",
    "PriceVersionOut",
    "ReportIn",
    "ReportList",
    "ReportOut",
]
