"""docs/events.md is the event registry and the services' declarations, regenerated: never stale.

The page is written by `python -m clinic_shared.events.docs` (`make schemas`) from the contracts in
clinic_shared.events and from what each service's bootstrap hands its runtime (`publishes`,
`subscriptions`). Here it is generated again and compared with the committed file.
"""

from __future__ import annotations

import difflib
from typing import ClassVar

import pytest

from clinic_shared.events import docs
from clinic_shared.events.base import Event, all_event_classes
from clinic_shared.events.topics import PRICING_PRICE
from clinic_shared.messaging.subscription import MessageContext, Subscription
from clinic_shared.runtime import ServiceRuntime
from clinic_shared.settings import ServiceSettings


def _unregistered_event() -> type[Event]:
    """An event class the registry does not hold: TYPE is set after the class exists, so
    `Event.__init_subclass__` never sees it and no other test finds it."""

    class FakeStockCounted(Event):
        TOPIC: ClassVar[str] = PRICING_PRICE
        KEY_FIELD: ClassVar[str] = "sku"

        sku: str
        on_hand: int

    FakeStockCounted.TYPE = "clinic.pricing.fake-stock-counted.v3"
    return FakeStockCounted


def test_docs_events_md_is_the_registry_regenerated() -> None:
    committed = docs.DOC.read_text()
    current = docs.current()
    diff = "\n".join(difflib.unified_diff(committed.splitlines(), current.splitlines(), "committed", "generated",
                                          lineterm="", n=1))
    assert committed == current, f"docs/events.md is out of date: run `make schemas` and commit it\n{diff[:4000]}"


def test_the_services_are_found_in_the_repository() -> None:
    assert docs.discover_services() == ["cart", "catalog", "content", "pricing"]


def test_every_registered_type_has_its_row_with_topic_key_and_version() -> None:
    page = docs.DOC.read_text()
    for event_type, cls in all_event_classes().items():
        row = next((line for line in page.splitlines() if line.startswith(f"| [{cls.__name__}]")), None)
        assert row is not None, event_type
        assert f"`{event_type}`" in row and f"`{cls.TOPIC}`" in row and f"`{cls.KEY_FIELD}`" in row
        assert f"| {event_type.rsplit('.v', 1)[1]} |" in row


def test_a_new_event_its_producer_and_its_consumer_change_the_page() -> None:
    """The comparison above can fail: an event added to the registry, and a service publishing and
    consuming it, each give a different page, with the new names in it."""
    runtimes = docs.load_runtimes(docs.discover_services())
    fake = _unregistered_event()
    registry = {**all_event_classes(), fake.TYPE: fake}
    with_event = docs.render(runtimes, registry)
    assert with_event != docs.DOC.read_text()
    assert f"| [FakeStockCounted](#clinicpricingfake-stock-countedv3) | `{fake.TYPE}` | 3 | `pricing.price.v1` | " \
           "`sku` | none | none |" in with_event

    async def on_counted(ctx: MessageContext, event: Event) -> None:
        """Nothing to do: only the subscription's declaration is read."""

    counted = Subscription("stock-counts", {fake: on_counted})
    warehouse = ServiceRuntime(service="warehouse", settings=ServiceSettings(), publishes=[fake],
                               subscriptions=[counted])
    with_service = docs.render([*runtimes, warehouse], registry)
    assert f"`{fake.TYPE}` | 3 | `pricing.price.v1` | `sku` | warehouse | warehouse (`warehouse.stock-counts`) |" \
        in with_service
    assert "| `warehouse.stock-counts` | warehouse | `clinic.pricing.fake-stock-counted.v3` |" in with_service


def test_a_service_using_a_type_the_registry_does_not_know_is_refused() -> None:
    fake = _unregistered_event()
    stray = ServiceRuntime(service="stray", settings=ServiceSettings(), publishes=[fake])
    with pytest.raises(ValueError, match=fake.TYPE):
        docs.render([stray])
