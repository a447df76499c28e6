"""The pricing domain's events, as the versioned integration contracts in clinic_shared.

The domain stays framework-free; this is the one place that knows both shapes.
"""

from __future__ import annotations

from functools import singledispatch

from clinic_shared.events import pricing as contract
from clinic_shared.events.base import Event as IntegrationEvent
from clinic_shared.outbox.writer import Tx
from pricing.adapters.reports import UNLISTED
from pricing.domain import CompetitorReport
from pricing.domain import events as domain


@singledispatch
def to_contract(event: domain.Event, submission: CompetitorReport | None = None) -> IntegrationEvent:
    raise TypeError(f"no integration contract for {type(event).__name__}")


@to_contract.register
def _requested(e: domain.PriceMatchRequested, submission: CompetitorReport | None = None) -> IntegrationEvent:
    if submission is None or submission.report_id != e.report_id:
        raise ValueError("PriceMatchRequested needs the report's submission")
    return contract.PriceMatchRequested(
        customer_id=e.customer_id, sku=e.sku, report_id=e.report_id,
        competitor_id=None if e.competitor_id == UNLISTED else e.competitor_id,
        competitor_price=submission.competitor_price.amount, currency=submission.competitor_price.currency,
        region=submission.region, occurred_at=e.received_at,
    )


@to_contract.register
def _approved(e: domain.PriceMatchApproved, submission: CompetitorReport | None = None) -> IntegrationEvent:
    return contract.PriceMatchApproved(customer_id=e.customer_id, sku=e.sku, report_id=e.report_id,
                                       reasons=list(e.reasons), decided_by=e.decided_by, occurred_at=e.decided_at)


@to_contract.register
def _rejected(e: domain.PriceMatchRejected, submission: CompetitorReport | None = None) -> IntegrationEvent:
    return contract.PriceMatchRejected(customer_id=e.customer_id, sku=e.sku, report_id=e.report_id,
                                       reasons=list(e.reasons), decided_by=e.decided_by, occurred_at=e.decided_at)


@to_contract.register
def _escalated(e: domain.PriceMatchEscalated, submission: CompetitorReport | None = None) -> IntegrationEvent:
    return contract.PriceMatchEscalated(customer_id=e.customer_id, sku=e.sku, report_id=e.report_id,
                                        reasons=list(e.reasons), occurred_at=e.escalated_at)


@to_contract.register
def _granted(e: domain.DiscountGranted, submission: CompetitorReport | None = None) -> IntegrationEvent:
    return contract.DiscountGrantedV2(
        customer_id=e.customer_id, sku=e.sku, discount_id=e.discount_id, report_id=e.report_id,
        currency=e.currency, expires_at=e.expires_at, percent_off=e.percent_off,
        our_unit_price_at_grant=e.our_unit_price, competitor_unit_price=e.competitor_unit_price,
        amount_off_at_grant=e.amount_off, final_unit_price_at_grant=e.final_unit_price, region=e.region,
        max_units=e.max_units, occurred_at=e.granted_at,
    )


@to_contract.register
def _reinstated(e: domain.DiscountReinstated, submission: CompetitorReport | None = None) -> IntegrationEvent:
    return contract.DiscountReinstated(customer_id=e.customer_id, sku=e.sku, discount_id=e.discount_id,
                                       order_id=e.order_id, expires_at=e.expires_at, occurred_at=e.reinstated_at)


@to_contract.register
def _refund_approved(
    e: domain.PriceMatchRefundApproved, submission: CompetitorReport | None = None
) -> IntegrationEvent:
    return contract.PriceMatchRefundApproved(customer_id=e.customer_id, sku=e.sku, report_id=e.report_id,
                                             order_id=e.order_id, amount=e.amount, currency=e.currency,
                                             occurred_at=e.decided_at)


@to_contract.register
def _redeemed(e: domain.DiscountRedeemed, submission: CompetitorReport | None = None) -> IntegrationEvent:
    return contract.DiscountRedeemed(customer_id=e.customer_id, sku=e.sku, discount_id=e.discount_id,
                                     order_id=e.order_id, occurred_at=e.redeemed_at)


@to_contract.register
def _expired(e: domain.DiscountExpired, submission: CompetitorReport | None = None) -> IntegrationEvent:
    return contract.DiscountExpired(customer_id=e.customer_id, sku=e.sku, discount_id=e.discount_id,
                                    occurred_at=e.expired_at)


@to_contract.register
def _revoked(e: domain.DiscountRevoked, submission: CompetitorReport | None = None) -> IntegrationEvent:
    return contract.DiscountRevoked(customer_id=e.customer_id, sku=e.sku, discount_id=e.discount_id,
                                    reason=e.reason, occurred_at=e.revoked_at)


async def publish_recorded(
    tx: Tx, recorded: list[domain.Event], submission: CompetitorReport | None = None
) -> list[domain.Event]:
    """Stage an aggregate's recorded events in the outbox, in order; returns them and empties the list."""
    events = list(recorded)
    recorded.clear()
    for e in events:
        integration = to_contract(e, submission)
        subject = getattr(integration, "discount_id" if type(e).__name__.startswith("Discount") else "report_id")
        await tx.publish(integration, subject=subject)
    return events
