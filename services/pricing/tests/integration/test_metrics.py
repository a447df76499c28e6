"""/metrics shows the guarantee at work: reports by outcome, time to decision, discounts and their money."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

from clinic_shared.events.cart import OrderLine, OrderPaid
from clinic_shared.testing.plugin import eventually

from .world import OPS, World, customer


def _value(text: str, name: str, **labels: str) -> float:
    for line in text.splitlines():
        match = re.fullmatch(rf"{name}\{{(.*)\}} (\S+)", line)
        if match and all(f'{k}="{v}"' in match.group(1) for k, v in labels.items()):
            return float(match.group(2))
    return 0.0


async def test_metrics_count_reports_by_outcome_the_time_to_decide_and_discounts_with_their_money(
    world: World,
) -> None:
    await world.sku_for_sale("TROCHE-30D-100", 19900)
    await world.competitor()
    before = (await world.client.get("/metrics")).text
    sub, me = customer()
    _, other = customer()

    approved = await world.report(me)  # 79.00 off per unit
    await world.report(other, competitor_price=25000)  # rejected: not lower
    escalated = await world.report(other, competitor_price=5000)
    await world.client.post(f"/price-match/reports/{escalated['id']}/reject", json={"reason": "No."}, headers=OPS)
    line = OrderLine(sku="TROCHE-30D-100", quantity=3, unit_price=19900, discount_id=approved["discount_id"],
                     discount_per_unit=7900, line_total=36000)
    await world.produce(OrderPaid(order_id=str(uuid.uuid4()), customer_id=sub, payment_intent_id="pi_9",
                                  placed_at=datetime.now(UTC), lines=[line], total=36000, currency="USD"))

    async def redeemed() -> bool:
        text = (await world.client.get("/metrics")).text
        return _value(text, "clinic_discounts_total", event="redeemed") > _value(
            before, "clinic_discounts_total", event="redeemed")

    await eventually(redeemed)
    after = (await world.client.get("/metrics")).text

    def delta(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    assert delta("clinic_price_match_reports_total", outcome="approved", decided_by="policy") == 1
    assert delta("clinic_price_match_reports_total", outcome="rejected", decided_by="policy") == 1
    assert delta("clinic_price_match_reports_total", outcome="needs_review", decided_by="policy") == 1
    assert delta("clinic_price_match_reports_total", outcome="rejected", decided_by="ops") == 1
    assert delta("clinic_price_match_reasons_total", outcome="rejected", code="price_not_lower") == 1
    assert delta("clinic_price_match_decision_seconds_count", outcome="rejected", decided_by="ops") == 1
    assert delta("clinic_price_match_decision_seconds_sum", outcome="rejected", decided_by="ops") > 0
    assert delta("clinic_discounts_total", event="granted", currency="USD") == 1
    assert delta("clinic_discount_amount_minor_total", event="granted", currency="USD") == 7900
    assert delta("clinic_discounts_total", event="redeemed", currency="USD") == 1
    assert delta("clinic_discount_redeemed_savings_minor_total", currency="USD") == 3 * 7900
