"""Fuzz every operation of a running service from its own OpenAPI document with schemathesis.

Two checks: no answer is a server error, and every status code is one the document declares.
Returns the failures (operation and what went wrong) so a test can assert there are none.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance


def _describe(exc: BaseException) -> str:
    """The failure and what it groups: a flaky failure (failed once, passed on the replay) names the first
    call's error only inside its sub-exceptions, so they are spelled out."""
    text = str(exc)
    if isinstance(exc, BaseExceptionGroup):
        text += "".join(f"\n  - {type(sub).__name__}: {_describe(sub)}" for sub in exc.exceptions)
    return text


def fuzz_api(base_url: str, headers: dict[str, str] | None = None, max_examples: int = 25,
             skip: tuple[str, ...] = ("/metrics", "/readyz")) -> list[str]:
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation: Any = result.ok()  # type: ignore[union-attr]
        if operation.path in skip:
            continue
        operations += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=max_examples, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def check(case: Any) -> None:
            case.call_and_validate(base_url=base_url, headers=headers,
                                   checks=[not_a_server_error, status_code_conformance])

        try:
            check()
        except Exception as exc:  # schemathesis raises a failure group describing each problem
            failures.append(f"{operation.method.upper()} {operation.path}: {_describe(exc)[:3000]}")
    if operations == 0:
        failures.append("no operation was fuzzed: the OpenAPI document lists none")
    return failures
