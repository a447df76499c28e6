"""The pricing service's domain: money, the price-match policy, reports and discounts.

Pure Python (dataclasses, no framework imports). The public names are re-exported here.
"""

from pricing.domain.audit import AuditEntry
from pricing.domain.competitor_report import CompetitorReport
from pricing.domain.competitors import COMPETITOR_KINDS, US_REGIONS, CompetitorKind, EligibleCompetitor
from pricing.domain.decision import Decision, DecisionContext, Outcome
from pricing.domain.discount import Discount, DiscountStatus
from pricing.domain.errors import CurrencyMismatchError, DiscountStateError, DomainError, ReportStateError
from pricing.domain.events import (
    DiscountExpired,
    DiscountGranted,
    DiscountRedeemed,
    DiscountRevoked,
    Event,
    PriceMatchApproved,
    PriceMatchEscalated,
    PriceMatchRejected,
    PriceMatchRequested,
)
from pricing.domain.money import Money, percent_of, validate_currency
from pricing.domain.policy import BASES, PRICE_KINDS, Basis, PriceKind, PriceMatchPolicy
from pricing.domain.report import PriceMatchReport, ReportStatus
from pricing.domain.terms import DiscountTerms, terms_for
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
    "DiscountRevoked",
    "DiscountStateError",
    "DiscountStatus",
    "DiscountTerms",
    "DomainError",
    "EligibleCompetitor",
    "Event",
    "Money",
    "Outcome",
    "PriceKind",
    "PriceMatchApproved",
    "PriceMatchEscalated",
    "PriceMatchPolicy",
    "PriceMatchRejected",
    "PriceMatchReport",
    "PriceMatchRequested",
    "ReportStateError",
    "ReportStatus",
    "decide",
    "percent_of",
    "terms_for",
    "validate_currency",
]
