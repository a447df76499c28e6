"""Pricing's event mapper: each domain event, the integration contract it is published as (the
versioned contracts in clinic_shared) and its CloudEvent subject, declared once per type.

The domain stays framework-free; this is the one module that knows both shapes. It is registered in
`bootstrap.py`; use cases only record events (`tx.track(report)`), and the transaction maps and stages
them at its end (clinic_shared.outbox.mapper). A report's events have the report as their subject, a
discount's the discount.
"""

from __future__ import annotations

from clinic_shared.events import pricing as contract
from clinic_shared.outbox.mapper import EventMapper
from pricing.adapters.reports import UNLISTED
from pricing.domain import events as domain

contracts = EventMapper("pricing")


@contracts.maps(domain.PriceChanged, subject="sku")
def _price_changed(e: domain.PriceChanged) -> contract.PriceChanged:
    return contract.PriceChanged(sku=e.sku, unit_price=e.unit_price, currency=e.currency, version=e.version,
                                 previous_unit_price=e.previous_unit_price, occurred_at=e.changed_at)


@contracts.maps(domain.PriceMatchRequested, subject="report_id")
def _requested(e: domain.PriceMatchRequested) -> contract.PriceMatchRequested:
    return contract.PriceMatchRequested(
        customer_id=e.customer_id, sku=e.sku, report_id=e.report_id,
        competitor_id=None if e.competitor_id == UNLISTED else e.competitor_id,
        competitor_price=e.competitor_price, currency=e.currency, region=e.region, occurred_at=e.received_at,
    )


@contracts.maps(domain.PriceMatchApproved, subject="report_id")
def _approved(e: domain.PriceMatchApproved) -> contract.PriceMatchApproved:
    return contract.PriceMatchApproved(customer_id=e.customer_id, sku=e.sku, report_id=e.report_id,
                                       reasons=list(e.reasons), decided_by=e.decided_by, occurred_at=e.decided_at)


@contracts.maps(domain.PriceMatchRejected, subject="report_id")
def _rejected(e: domain.PriceMatchRejected) -> contract.PriceMatchRejected:
    return contract.PriceMatchRejected(customer_id=e.customer_id, sku=e.sku, report_id=e.report_id,
                                       reasons=list(e.reasons), decided_by=e.decided_by, occurred_at=e.decided_at)


@contracts.maps(domain.PriceMatchEscalated, subject="report_id")
def _escalated(e: domain.PriceMatchEscalated) -> contract.PriceMatchEscalated:
    return contract.PriceMatchEscalated(customer_id=e.customer_id, sku=e.sku, report_id=e.report_id,
                                        reasons=list(e.reasons), occurred_at=e.escalated_at)


@contracts.maps(domain.PriceMatchRefundApproved, subject="report_id")
def _refund_approved(e: domain.PriceMatchRefundApproved) -> contract.PriceMatchRefundApproved:
    return contract.PriceMatchRefundApproved(customer_id=e.customer_id, sku=e.sku, report_id=e.report_id,
                                             order_id=e.order_id, amount=e.amount, currency=e.currency,
                                             occurred_at=e.decided_at)


@contracts.maps(domain.DiscountGranted, subject="discount_id")
def _granted(e: domain.DiscountGranted) -> contract.DiscountGrantedV2:
    return contract.DiscountGrantedV2(
        customer_id=e.customer_id, sku=e.sku, discount_id=e.discount_id, report_id=e.report_id,
        currency=e.currency, expires_at=e.expires_at, percent_off=e.percent_off,
        our_unit_price_at_grant=e.our_unit_price, competitor_unit_price=e.competitor_unit_price,
        amount_off_at_grant=e.amount_off, final_unit_price_at_grant=e.final_unit_price, region=e.region,
        max_units=e.max_units, occurred_at=e.granted_at,
    )


@contracts.maps(domain.DiscountReinstated, subject="discount_id")
def _reinstated(e: domain.DiscountReinstated) -> contract.DiscountReinstated:
    return contract.DiscountReinstated(customer_id=e.customer_id, sku=e.sku, discount_id=e.discount_id,
                                       order_id=e.order_id, expires_at=e.expires_at, occurred_at=e.reinstated_at)


@contracts.maps(domain.DiscountRedeemed, subject="discount_id")
def _redeemed(e: domain.DiscountRedeemed) -> contract.DiscountRedeemed:
    return contract.DiscountRedeemed(customer_id=e.customer_id, sku=e.sku, discount_id=e.discount_id,
                                     order_id=e.order_id, occurred_at=e.redeemed_at)


@contracts.maps(domain.DiscountExpired, subject="discount_id")
def _expired(e: domain.DiscountExpired) -> contract.DiscountExpired:
    return contract.DiscountExpired(customer_id=e.customer_id, sku=e.sku, discount_id=e.discount_id,
                                    occurred_at=e.expired_at)


@contracts.maps(domain.DiscountRevoked, subject="discount_id")
def _revoked(e: domain.DiscountRevoked) -> contract.DiscountRevoked:
    return contract.DiscountRevoked(customer_id=e.customer_id, sku=e.sku, discount_id=e.discount_id,
                                    reason=e.reason, occurred_at=e.revoked_at)
