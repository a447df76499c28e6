"""Eligible competitors (the list ops manage) and the regions they may be licensed in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args
from urllib.parse import urlsplit

from clinic_shared.regions import US_STATES
from pricing.domain.errors import InvalidValue

CompetitorKind = Literal["licensed_clinic", "marketplace", "coupon_site"]
COMPETITOR_KINDS: frozenset[str] = frozenset(get_args(CompetitorKind))

US_REGIONS: frozenset[str] = US_STATES
"""The 50 states and DC, by USPS code: the regions a report or a licence may name."""


def validate_region(region: str) -> str:
    if region not in US_REGIONS:
        raise InvalidValue(f"region must be a US state code such as 'TX', got {region!r}")
    return region


def host_of(url: str) -> str:
    """The lower-case host of an http(s) URL; InvalidValue (a ValueError) for anything else."""
    try:
        parts = urlsplit(url)
    except ValueError:  # an unbalanced IPv6 bracket, ...
        raise InvalidValue(f"expected an http(s) URL, got {url!r}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidValue(f"expected an http(s) URL, got {url!r}")
    return parts.hostname.lower()


@dataclass(frozen=True, slots=True)
class EligibleCompetitor:
    """A provider customers may report, as ops list it.

    Only an active ``licensed_clinic`` licensed in the report's region can be matched;
    marketplaces and coupon sites stay on the list so that reports naming them get a clear answer.
    """

    id: str
    name: str
    domain: str
    kind: CompetitorKind
    licensed_regions: frozenset[str]
    active: bool = True

    def __post_init__(self) -> None:
        if not self.id or not self.name.strip():
            raise InvalidValue("a competitor needs an id and a name")
        if self.kind not in COMPETITOR_KINDS:
            raise InvalidValue(f"kind must be one of {sorted(COMPETITOR_KINDS)}, got {self.kind!r}")
        domain = self.domain.strip().lower().removeprefix("www.")
        if not domain or "/" in domain or "." not in domain:
            raise InvalidValue(f"domain must be a host name such as 'example.com', got {self.domain!r}")
        object.__setattr__(self, "domain", domain)
        regions = frozenset(self.licensed_regions)
        for region in regions:
            validate_region(region)
        object.__setattr__(self, "licensed_regions", regions)

    @property
    def is_licensed_clinic(self) -> bool:
        return self.kind == "licensed_clinic"

    def is_licensed_in(self, region: str) -> bool:
        return region in self.licensed_regions

    def owns_url(self, url: str) -> bool:
        """True when ``url`` is on this competitor's domain or one of its subdomains."""
        try:
            host = host_of(url)
        except ValueError:
            return False
        return host == self.domain or host.endswith("." + self.domain)
