"""The catalog's event mapper: each domain event a product records, the catalog.product.v1 contract it
is published as and its CloudEvent subject (the product's slug), declared once per type. Registered in
`bootstrap.py`; use cases track the product (`tx.track(product)`) and the transaction maps and stages
its events at its end (clinic_shared.outbox.mapper).
"""

from __future__ import annotations

from catalog.domain import events as domain
from catalog.domain.product import Product
from clinic_shared.events import catalog as contract
from clinic_shared.outbox.mapper import EventMapper

contracts = EventMapper("catalog")


def _snapshot(p: Product, cls: type[contract.ProductPublished] | type[contract.ProductUpdated]
              ) -> contract.ProductPublished | contract.ProductUpdated:
    return cls(
        product_id=p.id, slug=p.slug, name=p.name, category=p.category.value,
        route=p.route.value if p.route else None, conditions=[c.value for c in p.conditions],
        regions=sorted(p.regions), requires_evaluation=p.requires_evaluation, status=p.status.value,
        skus=[contract.SkuSnapshot(sku=s.sku, label=s.label, dose=s.dose, sessions=s.sessions,
                                   supply_days=s.supply_days)
              for s in p.skus],
        version=p.version,
    )


def _archived(p: Product) -> contract.ProductArchived:
    return contract.ProductArchived(product_id=p.id, slug=p.slug, skus=[s.sku for s in p.skus], version=p.version)


@contracts.maps(domain.ProductPutOnSale, subject=lambda e: e.product.slug)
def _put_on_sale(e: domain.ProductPutOnSale) -> contract.ProductPublished | contract.ProductUpdated:
    return _snapshot(e.product, contract.ProductPublished)


@contracts.maps(domain.ProductChanged, subject=lambda e: e.product.slug)
def _changed(e: domain.ProductChanged) -> contract.ProductPublished | contract.ProductUpdated:
    return _snapshot(e.product, contract.ProductUpdated)


# Back to draft has always been sent without a subject (unlike an archive): kept so on the wire.
@contracts.maps(domain.ProductWithdrawn, subject=None)
def _withdrawn(e: domain.ProductWithdrawn) -> contract.ProductArchived:
    return _archived(e.product)


@contracts.maps(domain.ProductArchived, subject=lambda e: e.product.slug)
def _archived_for_good(e: domain.ProductArchived) -> contract.ProductArchived:
    return _archived(e.product)
