"""The policy comes from the environment (and a bad one stops the start); domain events map onto the
shared integration contracts field for field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from clinic_shared.events import pricing as contract
from pricing.adapters.reports import UNLISTED
from pricing.domain import CompetitorReport, Discount, Money, PriceMatchReport
from pricing.domain import events as domain
from pricing.service_layer.contracts import contracts
from pricing.settings import PricingSettings

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_the_policy_is_read_from_pricing_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRICING_DISCOUNT_PERCENT", "25")
    monkeypatch.setenv("PRICING_PER_UNIT_CAP", "5000")
    monkeypatch.setenv("PRICING_DISCOUNT_TTL_DAYS", "14")
    monkeypatch.setenv("PRICING_EXCLUDED_PRICE_KINDS", "bundle, membership")
    monkeypatch.setenv("PRICING_MAX_REPORTS_PER_CUSTOMER_PER_DAY", "3")

    policy = PricingSettings().policy()

    assert policy.discount_percent == 25
    assert policy.per_unit_cap_minor == 5000
    assert policy.discount_ttl == timedelta(days=14)
    assert policy.excluded_price_kinds == frozenset({"bundle", "membership"})
    assert policy.max_reports_per_customer_per_day == 3
    assert policy.basis == "lower_of_ours_and_competitor"


@pytest.mark.parametrize(("name", "value"), [
    ("PRICING_DISCOUNT_PERCENT", "0"), ("PRICING_DISCOUNT_PERCENT", "120"), ("PRICING_DISCOUNT_BASIS", "cheapest"),
    ("PRICING_EXCLUDED_PRICE_KINDS", "regular,clearance"), ("PRICING_IMPLAUSIBLE_FLOOR_RATIO", "1.5"),
    ("PRICING_DISCOUNT_TTL_DAYS", "45"), ("PRICING_MAX_UNITS", "0"), ("PRICING_DISCOUNT_PERCENT", "12.5"),
])
def test_an_invalid_policy_stops_the_service_at_start(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        PricingSettings()


def _submission(competitor_id: str = "c-1") -> CompetitorReport:
    return CompetitorReport(
        report_id="r-1", customer_id="cust-1", sku="TROCHE-30D-100", competitor_id=competitor_id,
        competitor_url="https://calm.example/x", competitor_price=Money(15000, "USD"), region="TX",
        observed_at=NOW - timedelta(days=1), created_at=NOW, proof_url="https://calm.example/x",
    )


def test_a_report_from_an_unlisted_competitor_is_requested_with_no_competitor_id() -> None:
    report = PriceMatchReport.receive(_submission(UNLISTED))
    event, subject = contracts(report.events[0])
    assert isinstance(event, contract.PriceMatchRequested) and subject == "r-1"
    assert (event.competitor_id, event.competitor_price, event.currency, event.region) == (None, 15000, "USD", "TX")
    assert event.occurred_at == NOW and event.kafka_key == "cust-1"


def test_every_discount_event_maps_to_its_contract_keyed_by_customer() -> None:
    discount = Discount(id="d-1", customer_id="cust-1", sku="TROCHE-30D-100", report_id="r-1", amount_off=7900,
                        final_unit_price=12000, currency="USD", expires_at=NOW + timedelta(days=30), granted_at=NOW,
                        our_unit_price_at_grant=19900, competitor_unit_price=15000, region="TX", max_units=2)
    granted, granted_subject = contracts(discount.granted_event())
    discount.redeem("order-1", NOW + timedelta(days=1))
    redeemed, redeemed_subject = contracts(discount.events[-1])
    revoked, revoked_subject = contracts(domain.DiscountRevoked("d-2", "cust-1", "THERAPY-50", "fake quote", NOW))
    expired, expired_subject = contracts(domain.DiscountExpired("d-3", "cust-1", "THERAPY-50", NOW))
    # A discount's events have the discount as their subject (declared per type in the mapper).
    assert (granted_subject, redeemed_subject, revoked_subject, expired_subject) == ("d-1", "d-1", "d-2", "d-3")

    assert isinstance(granted, contract.DiscountGrantedV2)  # pricing publishes v2 grants only
    assert (granted.amount_off_at_grant, granted.final_unit_price_at_grant, granted.expires_at) == (
        7900, 12000, NOW + timedelta(days=30))
    assert (granted.percent_off, granted.our_unit_price_at_grant, granted.competitor_unit_price) == (20, 19900, 15000)
    assert (granted.region, granted.max_units) == ("TX", 2)
    assert isinstance(redeemed, contract.DiscountRedeemed) and redeemed.order_id == "order-1"
    assert isinstance(revoked, contract.DiscountRevoked) and revoked.reason == "fake quote"
    assert isinstance(expired, contract.DiscountExpired) and expired.occurred_at == NOW
    assert {e.kafka_key for e in (granted, redeemed, revoked, expired)} == {"cust-1"}
