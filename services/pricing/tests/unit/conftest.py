"""Builders for the pricing domain tests: every call makes fresh, unique ids."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from pricing.domain import CompetitorReport, DecisionContext, EligibleCompetitor, Money, SkuVariant

from .helpers import NOW, SKU

VARIANT = SkuVariant(label="30-day supply, 100 mg troches", dose="100 mg", supply_days=30)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def make_competitor() -> Callable[..., EligibleCompetitor]:
    def make(**overrides: Any) -> EligibleCompetitor:
        fields: dict[str, Any] = {
            "id": unique("competitor"),
            "name": "Calm Mind Clinic",
            "domain": "calmmind.example",
            "kind": "licensed_clinic",
            "licensed_regions": frozenset({"TX", "CA", "NY"}),
            "active": True,
        }
        return EligibleCompetitor(**(fields | overrides))

    return make


@pytest.fixture
def clinic(make_competitor: Callable[..., EligibleCompetitor]) -> EligibleCompetitor:
    return make_competitor()


@pytest.fixture
def make_report(clinic: EligibleCompetitor) -> Callable[..., CompetitorReport]:
    """A report that passes every check against ``clinic`` and our price of USD 300.00."""

    def make(**overrides: Any) -> CompetitorReport:
        fields: dict[str, Any] = {
            "report_id": unique("report"),
            "customer_id": unique("customer"),
            "sku": SKU,
            "competitor_id": clinic.id,
            "competitor_url": "https://calmmind.example/ketamine-troches",
            "competitor_price": Money(24000, "USD"),
            "region": "TX",
            "observed_at": NOW - timedelta(days=1),
            "created_at": NOW,
            "price_kind": "regular",
            "proof_url": "https://calmmind.example/ketamine-troches",
            "competitor_product": "Ketamine sublingual troches",
            "competitor_strength": "100mg",
            "competitor_quantity": 30,
        }
        return CompetitorReport(**(fields | overrides))

    return make


@pytest.fixture
def make_context(clinic: EligibleCompetitor) -> Callable[..., DecisionContext]:
    def make(**overrides: Any) -> DecisionContext:
        fields: dict[str, Any] = {
            "now": NOW,
            "our_price": Money(30000, "USD"),
            "competitor": clinic,
            "granted_matches": (),
            "prior_reports_in_last_day": 0,
            "variant": VARIANT,
        }
        return DecisionContext(**(fields | overrides))

    return make
