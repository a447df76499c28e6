"""The history checker of the fault harness: pure functions over what was read back after healing.

A `History` holds the records of every topic (in offset order, as read: never sorted), the outbox
and inbox rows of every service database, the consumer groups' lag, the business tables and the
read models next to their sources. Each `check_*` function returns a list of violations (strings,
empty when the guarantee held), so the same functions judge the bounded run in `make test`, the
long run in `make chaos`, and the deliberately broken services in test_checker_can_fail.py.
`collect.py` builds a History from the real broker and databases.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

POISON_PREFIX = "chaos-poison-"
DECISIONS = {"clinic.pricing.price-match-approved.v1", "clinic.pricing.price-match-rejected.v1"}
GRANTS = {"clinic.pricing.discount-granted.v1", "clinic.pricing.discount-granted.v2"}
REDEEMED = "clinic.pricing.discount-redeemed.v1"
ORDER_PAID = "clinic.cart.order-paid.v1"
REFUND_APPROVED = "clinic.pricing.price-match-refund-approved.v1"
ORDER_REFUNDED = "clinic.cart.order-refunded.v1"


@dataclass(frozen=True)
class Record:
    """One record of a topic; event_id/type/data are None when it is not a decodable CloudEvent."""

    topic: str
    partition: int
    offset: int
    key: str | None
    event_id: str | None = None
    type: str | None = None
    data: Mapping[str, Any] | None = None
    raw: bytes = b""

    @property
    def is_dlq(self) -> bool:
        return self.topic.endswith(".dlq")

    @property
    def is_poison(self) -> bool:
        return bool(self.key and self.key.startswith(POISON_PREFIX)) or POISON_PREFIX.encode() in self.raw


@dataclass(frozen=True)
class OutboxRow:
    service: str
    event_id: str
    topic: str
    key: str
    published: bool


@dataclass(frozen=True)
class Consumer:
    """A consumer group: its inbox name, the topics it reads and the event types it applies."""

    name: str
    topics: frozenset[str]
    types: frozenset[str]


@dataclass
class History:
    records: list[Record] = field(default_factory=list)
    outbox: list[OutboxRow] = field(default_factory=list)
    inbox: dict[str, set[str]] = field(default_factory=dict)  # consumer -> event ids applied
    consumers: list[Consumer] = field(default_factory=list)
    lag: dict[str, int] = field(default_factory=dict)  # group -> records not yet committed
    reports: dict[str, str] = field(default_factory=dict)  # report id -> status (pricing's table)
    accepted_reports: set[str] = field(default_factory=set)  # report ids answered 202 to the workload
    discounts: dict[str, str] = field(default_factory=dict)  # discount id -> report id
    orders: dict[str, str] = field(default_factory=dict)  # order id -> status (cart's table)
    read_models: dict[str, tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=dict)
    acknowledged: dict[str, set[str]] = field(default_factory=dict)  # what -> ids the workload was told are done
    stored: dict[str, set[str]] = field(default_factory=dict)  # what -> ids found in the databases


def _events(records: Iterable[Record]) -> list[Record]:
    return [r for r in records if not r.is_dlq and r.event_id is not None]


def _distinct(records: Iterable[Record]) -> list[Record]:
    """Each event once (its first copy in offset order). The relay delivers at least once: a crash or a
    leader change between the broker's ack and the row's mark sends the row again with the SAME id, and
    every consumer drops the copy through its inbox. Effects are judged on distinct events, so a copy
    is never mistaken for a second effect, while two events for one effect (two ids) still count twice."""
    seen: set[tuple[str, str]] = set()
    out = []
    for r in _events(records):
        if (r.topic, str(r.event_id)) not in seen:
            seen.add((r.topic, str(r.event_id)))
            out.append(r)
    return out


def check_outbox_vs_topics(h: History) -> list[str]:
    """Every committed state change (an outbox row) is on its topic, as exactly one event id; nothing else
    is: an event on a topic that no outbox holds was sent without being committed (rolled back). Copies
    of one id (at-least-once redelivery) are counted by `figures`, not reported: the consumers' inboxes
    drop them, and `check_business`/`check_read_models` would show an effect applied twice."""
    out: list[str] = []
    copies = Counter((r.topic, r.event_id) for r in _events(h.records))
    committed = {(row.topic, row.event_id) for row in h.outbox}
    for row in h.outbox:
        n = copies[(row.topic, row.event_id)]
        if n == 0:
            state = "marked published" if row.published else "still unpublished after healing"
            out.append(f"lost: {row.service} committed {row.event_id} for {row.topic} key {row.key} ({state}), "
                       "not on the topic")
    for (topic, event_id), n in copies.items():
        if (topic, event_id) not in committed:
            out.append(f"sent but not committed: {event_id} on {topic} ({n}x) is in no outbox")
    return out


def check_per_key_order(h: History) -> list[str]:
    """On every topic, one key lives on one partition and its versions rise in offset order."""
    out: list[str] = []
    partitions: dict[tuple[str, str], set[int]] = defaultdict(set)
    versions: dict[tuple[str, str], list[tuple[int, int, str]]] = defaultdict(list)
    for r in h.records:
        if r.is_dlq or r.key is None or r.is_poison:
            continue
        partitions[(r.topic, r.key)].add(r.partition)
        version = (r.data or {}).get("version")
        if isinstance(version, int) and r.event_id is not None:
            versions[(r.topic, r.key)].append((r.offset, version, r.event_id))
    for (topic, key), parts in partitions.items():
        if len(parts) > 1:
            out.append(f"order: key {key} of {topic} is on partitions {sorted(parts)}")
    for (topic, key), seen in versions.items():
        seen_ids: set[str] = set()
        last: int | None = None
        for offset, version, event_id in seen:  # offset order as read, never sorted
            if event_id in seen_ids:
                continue  # a copy: reported as doubled by check_outbox_vs_topics
            seen_ids.add(event_id)
            if last is not None and version <= last:
                out.append(f"order: {topic} key {key} has version {version} at offset {offset} after {last}")
            last = version
    return out


def check_consumers(h: History) -> list[str]:
    """Every consumer group applied every event of its types on its topics (its inbox has each id)."""
    out: list[str] = []
    for c in h.consumers:
        wanted = {r.event_id for r in _events(h.records)
                  if r.topic in c.topics and r.type in c.types and not r.is_poison}
        applied = h.inbox.get(c.name, set())
        missing = wanted - applied
        if missing:
            out.append(f"consumer {c.name} never applied {len(missing)} event(s), e.g. {sorted(missing)[:3]}")
    return out


def check_business(h: History) -> list[str]:
    """Each accepted report is decided once; each approved one has one discount (and one grant event), or,
    reported after the customer bought the SKU, one refund approval that the cart refunded exactly once;
    each discount is redeemed at most once; each paid order has exactly one OrderPaid."""
    out: list[str] = []
    evs = _distinct(h.records)
    decisions = Counter(str(r.data.get("report_id")) for r in evs if r.type in DECISIONS and r.data)
    grants = Counter(str(r.data.get("report_id")) for r in evs if r.type in GRANTS and r.data)
    redemptions = Counter(str(r.data.get("discount_id")) for r in evs if r.type == REDEEMED and r.data)
    paid = Counter(str(r.data.get("order_id")) for r in evs if r.type == ORDER_PAID and r.data)
    refund_approvals = Counter(str(r.data.get("report_id")) for r in evs if r.type == REFUND_APPROVED and r.data)
    refunded = Counter(str(r.data.get("report_id")) for r in evs
                       if r.type == ORDER_REFUNDED and r.data and r.data.get("reason") == "price_match")
    discounts_of = Counter(h.discounts.values())
    for report_id in sorted(h.accepted_reports):
        status = h.reports.get(report_id)
        if status is None:
            out.append(f"report {report_id} was accepted (202) but is not stored")
            continue
        expected = 0 if status == "needs_review" else 1
        if decisions[report_id] != expected:
            out.append(f"report {report_id} ({status}) has {decisions[report_id]} decision events, not {expected}")
    for report_id, status in sorted(h.reports.items()):
        if status == "approved" and refund_approvals[report_id]:
            # A price match after purchase: the difference is refunded on the order, no discount.
            if refund_approvals[report_id] != 1 or discounts_of[report_id] or grants[report_id]:
                out.append(f"approved report {report_id} has {refund_approvals[report_id]} refund approvals and "
                           f"{discounts_of[report_id]} discounts, not one refund and no discount")
            if refunded[report_id] != 1:
                out.append(f"approved report {report_id} was refunded {refunded[report_id]} times, not once")
        elif status == "approved":
            if discounts_of[report_id] != 1:
                out.append(f"approved report {report_id} has {discounts_of[report_id]} discounts, not 1")
            if grants[report_id] != 1:
                out.append(f"approved report {report_id} has {grants[report_id]} DiscountGranted events, not 1")
    for discount_id, n in sorted(redemptions.items()):
        if n > 1:
            out.append(f"discount {discount_id} redeemed {n} times")
    for order_id, status in sorted(h.orders.items()):
        if status == "paid" and paid[order_id] != 1:
            out.append(f"paid order {order_id} has {paid[order_id]} OrderPaid events, not 1")
        if status != "paid" and paid[order_id]:
            out.append(f"order {order_id} ({status}) has {paid[order_id]} OrderPaid events")
    return out


def check_acknowledged(h: History) -> list[str]:
    """Whatever the workload was told is done (2xx) is in the database."""
    out: list[str] = []
    for what, ids in sorted(h.acknowledged.items()):
        missing = ids - h.stored.get(what, set())
        if missing:
            out.append(f"lost: {len(missing)} acknowledged {what} not stored, e.g. {sorted(missing)[:3]}")
    return out


def check_read_models(h: History) -> list[str]:
    """Each read model equals its source, key by key."""
    out: list[str] = []
    for name, (source, view) in sorted(h.read_models.items()):
        missing = sorted(set(source) - set(view))
        extra = sorted(set(view) - set(source))
        differ = sorted(k for k in set(source) & set(view) if source[k] != view[k])
        if missing:
            out.append(f"read model {name}: {len(missing)} missing, e.g. {missing[:3]}")
        if extra:
            out.append(f"read model {name}: {len(extra)} not in the source, e.g. {extra[:3]}")
        for k in differ[:3]:
            out.append(f"read model {name}: {k} is {view[k]!r}, source has {source[k]!r}")
        if len(differ) > 3:
            out.append(f"read model {name}: {len(differ)} entries differ in all")
    return out


def check_dlq(h: History) -> list[str]:
    """The dead-letter topics hold only the poison messages the nemesis injected."""
    out: list[str] = []
    healthy = [r for r in h.records if r.is_dlq and not r.is_poison]
    if healthy:
        kinds = Counter(r.type or "?" for r in healthy)
        out.append(f"dead-lettered healthy events: {len(healthy)} ({dict(kinds)}), e.g. "
                   f"{[(r.topic, r.event_id) for r in healthy[:3]]}")
    return out


def check_lag(h: History) -> list[str]:
    return [f"consumer group {g} has lag {n}" for g, n in sorted(h.lag.items()) if n]


CHECKS = (check_outbox_vs_topics, check_per_key_order, check_consumers, check_business, check_acknowledged,
          check_read_models, check_dlq, check_lag)


def check(h: History) -> list[str]:
    return [v for fn in CHECKS for v in fn(h)]


DOUBLED_EFFECT = re.compile(r"has ([2-9]|\d{2,}) (decision events|discounts|DiscountGranted events|refund approvals"
                            r"|OrderPaid events)|redeemed \d+ times|refunded ([2-9]|\d{2,}) times")


def figures(h: History) -> dict[str, int]:
    """Counts for the report: events, lost, doubled effects, redelivered copies, dead letters."""
    violations = check_outbox_vs_topics(h)
    distinct = _distinct(h.records)
    return {
        "events": len(distinct),
        "outbox_rows": len(h.outbox),
        "lost": sum(v.startswith("lost:") for v in violations),
        # An effect that happened twice (two discounts for one approval, a discount redeemed twice, ...).
        "doubled": sum(bool(DOUBLED_EFFECT.search(v)) for v in check_business(h)),
        # Extra copies of an event id on its topic (redelivered; dropped by the consumers' inboxes).
        "redelivered_copies": len(_events(h.records)) - len(distinct),
        "sent_not_committed": sum(v.startswith("sent but not committed") for v in violations),
        "dlq_poison": sum(1 for r in h.records if r.is_dlq and r.is_poison),
        "dlq_healthy": sum(1 for r in h.records if r.is_dlq and not r.is_poison),
    }
