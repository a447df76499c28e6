"""The pricing service's domain: money, the price-match policy, reports and discounts.

Pure Python (dataclasses, no framework imports). The public names are re-exported here.
"""

from pricing.domain.audit import AuditEntry
from pricing.domain.competitor_report import CompetitorReport
from pricing.domain.competitors import COMPETITOR_KINDS, US_REGIONS, CompetitorKind, EligibleCompetitor
from pricing.domain.decision import Decision, DecisionContext, Outcome, Refund
from pricing.domain.discount import Discount, DiscountStatus
from pricing.domain.errors import (
    CurrencyMismatchError,
    DiscountStateError,
    DomainError,
    DutyError,
    InvalidValue,
    ReportStateError,
)
from pricing.domain.events import (
    DiscountExpired,
    DiscountGranted,
    DiscountRedeemed,
    DiscountReinstated,
    DiscountRevoked,
    Event,
    PriceMatchApproved,
    PriceMatchEscalated,
    PriceMatchRefundApproved,
    PriceMatchRejected,
    PriceMatchRequested,
)
from pricing.domain.money import Money, percent_of, validate_currency
from pricing.domain.policy import BASES, PRICE_KINDS, Basis, PriceKind, PriceMatchPolicy
from pricing.domain.report import PriceMatchReport, ReportStatus
from pricing.domain.terms import DiscountTerms, promised_unit_price, terms_for
from pricing.domain.variant import Purchase, SkuVariant, normalised_strength
from pricing.domain.verification import decide

__all__ = [
    "BASES",
    "COMPETITOR_KINDS",
    "PRICE_KINDS",
    "US_REGIONS",
    "AuditEntry",
    "Basis",
    "CompetitorKind",
    "CompetitorReport",
    "CurrencyMismatchError",
    "Decision",
    "DecisionContext",
    "Discount",
    "DiscountExpired",
    "DiscountGranted",
    "DiscountRedeemed",
    "DiscountReinstated",
    "DiscountRevoked",
    "DiscountStateError",
    "DiscountStatus",
    "DiscountTerms",
    "DomainError",
    "DutyError",
    "EligibleCompetitor",
    "Event",
    "InvalidValue",
    "Money",
    "Outcome",
    "PriceKind",
    "PriceMatchApproved",
    "PriceMatchEscalated",
    "PriceMatchPolicy",
    "PriceMatchRefundApproved",
    "PriceMatchRejected",
    "PriceMatchReport",
    "PriceMatchRequested",
    "Purchase",
    "Refund",
    "ReportStateError",
    "ReportStatus",
    "SkuVariant",
    "decide",
    "normalised_strength",
    "percent_of",
    "promised_unit_price",
    "terms_for",
    "validate_currency",
]
