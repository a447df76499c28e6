"""The checker's pure functions on small hand-made histories: each guarantee, held and broken."""

from __future__ import annotations

from .checker import (
    Consumer,
    History,
    OutboxRow,
    Record,
    check,
    check_acknowledged,
    check_business,
    check_consumers,
    check_dlq,
    check_lag,
    check_outbox_vs_topics,
    check_per_key_order,
    check_read_models,
    figures,
)

T = "p.catalog.product.v1"
PRODUCT = "clinic.catalog.product-updated.v1"


def rec(offset: int, event_id: str, version: int | None = None, *, key: str = "k", topic: str = T,
        partition: int = 0, type_: str = PRODUCT, **data: object) -> Record:
    payload = {**data, **({"version": version} if version is not None else {})}
    return Record(topic, partition, offset, key, event_id, type_, payload)


def row(event_id: str, key: str = "k", published: bool = True) -> OutboxRow:
    return OutboxRow("catalog", event_id, T, key, published)


def test_a_clean_history_passes_every_check() -> None:
    h = History(records=[rec(0, "e1", 1), rec(1, "e2", 2)], outbox=[row("e1"), row("e2")],
                inbox={"cart.products": {"e1", "e2"}},
                consumers=[Consumer("cart.products", frozenset({T}), frozenset({PRODUCT}))],
                lag={"g": 0}, read_models={"cart products": ({"k": 2}, {"k": 2})})
    assert check(h) == []
    assert figures(h)["events"] == 2


def test_lost_and_uncommitted_events_are_named_and_copies_counted() -> None:
    h = History(records=[rec(0, "e1", 1), rec(1, "e1", 1), rec(2, "ghost", 3)],
                outbox=[row("e1"), row("e2", published=False)])
    found = check_outbox_vs_topics(h)
    assert any(v.startswith("lost:") and "e2" in v for v in found)
    assert any("not committed" in v and "ghost" in v for v in found)
    assert not any("e1" in v for v in found), "a redelivered copy of one id is not a second event"
    got = figures(h)
    assert got["lost"] == 1 and got["redelivered_copies"] == 1 and got["doubled"] == 0


def test_a_copy_is_not_a_second_effect_but_two_events_for_one_effect_are() -> None:
    pm = "p.pricing.price-match.v1"
    redeemed = "clinic.pricing.discount-redeemed.v1"
    copy = [rec(0, "x1", topic=pm, type_=redeemed, key="c", discount_id="D1"),
            rec(1, "x1", topic=pm, type_=redeemed, key="c", discount_id="D1")]
    assert check_business(History(records=copy)) == []
    twice = [*copy, rec(2, "x2", topic=pm, type_=redeemed, key="c", discount_id="D1")]
    assert any("D1 redeemed 2 times" in v for v in check_business(History(records=twice)))
    assert figures(History(records=twice))["doubled"] == 1


def test_order_is_judged_in_offset_order_never_sorted() -> None:
    assert check_per_key_order(History(records=[rec(0, "a", 1), rec(1, "b", 2)])) == []
    out_of_order = History(records=[rec(0, "b", 2), rec(1, "a", 1)])
    assert check_per_key_order(out_of_order), "v2 before v1 must be reported"
    split = History(records=[rec(0, "a", 1, partition=0), rec(0, "b", 2, partition=1)])
    assert any("partitions" in v for v in check_per_key_order(split))


def test_a_consumer_that_skipped_an_event_is_reported() -> None:
    c = Consumer("pricing.catalog-products", frozenset({T}), frozenset({PRODUCT}))
    h = History(records=[rec(0, "e1", 1), rec(1, "e2", 2)], consumers=[c], inbox={c.name: {"e1"}})
    assert any("e2" in v for v in check_consumers(h))


def test_business_rules() -> None:
    pm = "p.pricing.price-match.v1"
    approved = "clinic.pricing.price-match-approved.v1"
    granted = "clinic.pricing.discount-granted.v2"
    records = [rec(0, "d1", topic=pm, type_=approved, key="c", report_id="r1"),
               rec(1, "g1", topic=pm, type_=granted, key="c", report_id="r1", discount_id="D1"),
               rec(2, "x1", topic=pm, type_="clinic.pricing.discount-redeemed.v1", key="c", discount_id="D1"),
               rec(3, "x2", topic=pm, type_="clinic.pricing.discount-redeemed.v1", key="c", discount_id="D1")]
    h = History(records=records, reports={"r1": "approved", "r2": "approved"}, accepted_reports={"r1", "r2"},
                discounts={"D1": "r1"}, orders={"o1": "paid"})
    found = check_business(h)
    assert any("r2" in v and "decision" in v for v in found)
    assert any("r2" in v and "discounts" in v for v in found)
    assert any("D1 redeemed 2" in v for v in found)
    assert any("o1" in v for v in found)
    assert not any("r1" in v for v in found)


def test_a_price_match_after_purchase_is_one_refund_approval_refunded_once() -> None:
    pm, orders = "p.pricing.price-match.v1", "p.cart.order.v1"
    approved = "clinic.pricing.price-match-approved.v1"
    refund = "clinic.pricing.price-match-refund-approved.v1"
    refunded = "clinic.cart.order-refunded.v1"
    records = [rec(0, "d1", topic=pm, type_=approved, key="c", report_id="r1"),
               rec(1, "f1", topic=pm, type_=refund, key="c", report_id="r1", order_id="o1"),
               rec(0, "o1", topic=orders, type_=refunded, key="o1", report_id="r1", order_id="o1", reason="price_match"),
               rec(2, "d2", topic=pm, type_=approved, key="c", report_id="r2"),
               rec(3, "f2", topic=pm, type_=refund, key="c", report_id="r2", order_id="o2")]
    h = History(records=records, reports={"r1": "approved", "r2": "approved"}, accepted_reports={"r1", "r2"})
    found = check_business(h)
    assert not any("r1" in v for v in found), found
    assert any("r2" in v and "refunded 0 times" in v for v in found), found


def test_read_models_dlq_lag_and_acknowledged_writes() -> None:
    h = History(read_models={"cart prices": ({"A": 1, "B": 2}, {"A": 1, "B": 3, "C": 1})})
    found = check_read_models(h)
    assert len(found) == 2 and any("B" in v for v in found) and any("C" in v for v in found)
    poison = Record("p.t.v1.dlq", 0, 0, "chaos-poison-1", raw=b"x")
    healthy = Record("p.t.v1.dlq", 0, 1, "k", "e9", PRODUCT, {})
    assert check_dlq(History(records=[poison])) == []
    assert check_dlq(History(records=[poison, healthy]))
    assert check_lag(History(lag={"g1": 0, "g2": 4})) == ["consumer group g2 has lag 4"]
    assert check_acknowledged(History(acknowledged={"products": {"a", "b"}}, stored={"products": {"a"}}))
