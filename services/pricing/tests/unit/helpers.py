"""What the pricing domain tests share besides the conftest's builders: the builders' types, the
default policy, and the checks several test files make."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from pricing.domain import CompetitorReport, DecisionContext, EligibleCompetitor, PriceMatchPolicy, PriceMatchReport

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
SKU = "KET-TROCHE-100MG-30"
POLICY = PriceMatchPolicy()

MakeReport = Callable[..., CompetitorReport]
MakeContext = Callable[..., DecisionContext]
MakeCompetitor = Callable[..., EligibleCompetitor]


def received(submission: CompetitorReport) -> PriceMatchReport:
    return PriceMatchReport.receive(submission)


def assert_rejected_for(decision_reasons: list[str], codes: list[str], code: str, sentence: str) -> None:
    assert codes == [code]
    assert decision_reasons == [sentence]
