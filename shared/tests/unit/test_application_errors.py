"""Application errors (raised by use cases and domain rules, no web framework) answer as problem+json:
each kind with its status, once, in the shared error handlers."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from clinic_shared.application_errors import (
    KINDS,
    ApplicationError,
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    Unauthorized,
    Unavailable,
    UpstreamFailed,
)
from clinic_shared.errors import PROBLEM_JSON, STATUS_OF, Problem, install_error_handlers

EXPECTED = [
    (NotFound, 404, "Not Found"),
    (Conflict, 409, "Conflict"),
    (Invalid, 422, "Invalid request"),
    (Unauthorized, 401, "Unauthorized"),
    (Forbidden, 403, "Forbidden"),
    (Unavailable, 503, "Service Unavailable"),
    (UpstreamFailed, 502, "Bad Gateway"),
]


class _Refusal(Exception):
    """Like a service's own error base (CartError): a conflict, except for the kinds listed first."""


class _Closed(_Refusal, Conflict):
    pass


class _Missing(NotFound, _Closed):  # two kinds: the first among the bases wins
    pass


class _Named(Invalid):
    default_title = "Invalid product"


def _app(error: BaseException) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/things/{thing}")
    async def raising(thing: str) -> None:
        raise error

    return app


async def _answer(error: BaseException) -> httpx.Response:
    transport = httpx.ASGITransport(app=_app(error), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return await client.get("/things/7")


def _problem(status: int, title: str, detail: str, **extra: object) -> dict[str, object]:
    return {"type": "about:blank", "title": title, "status": status, "detail": detail, "instance": "/things/7",
            "request_id": None, **extra}


def test_every_kind_has_a_status_and_the_table_names_no_other() -> None:
    assert set(STATUS_OF) == set(KINDS) == {kind for kind, _, _ in EXPECTED}


@pytest.mark.parametrize(("kind", "status", "title"), EXPECTED, ids=[k.__name__ for k, _, _ in EXPECTED])
async def test_each_kind_answers_its_status_as_problem_json(kind: type[ApplicationError], status: int,
                                                            title: str) -> None:
    response = await _answer(kind("No thing 7 here."))
    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json() == _problem(status, title, "No thing 7 here.")


async def test_a_use_case_may_name_the_refusal_and_add_members() -> None:
    error = Conflict("The total is now $12.00.", title="Total changed", total=1200, notices=["price up"])
    response = await _answer(error)
    assert response.status_code == 409
    assert response.json() == _problem(409, "Total changed", "The total is now $12.00.", total=1200,
                                       notices=["price up"])


async def test_a_machine_readable_code_is_a_member_only_when_given() -> None:
    coded = await _answer(Invalid("slug: is taken", code="slug_taken", field="slug"))
    assert coded.json() == _problem(422, "Invalid request", "slug: is taken", code="slug_taken", field="slug")
    plain = await _answer(Invalid("slug: is taken"))
    assert "code" not in plain.json()


async def test_a_service_error_answers_as_its_kind_and_the_first_kind_among_its_bases_wins() -> None:
    closed = await _answer(_Closed("This cart has been checked out."))
    assert (closed.status_code, closed.json()["title"]) == (409, "Conflict")
    missing = await _answer(_Missing("No line 3 in this cart."))
    assert (missing.status_code, missing.json()["title"]) == (404, "Not Found")
    named = await _answer(_Named("A product needs at least one SKU."))
    assert named.json() == _problem(422, "Invalid product", "A product needs at least one SKU.")


async def test_an_application_error_of_no_kind_is_a_bug_and_says_nothing_of_itself() -> None:
    response = await _answer(ApplicationError("internal detail that must not leak"))
    assert response.status_code == 500
    assert response.json() == _problem(500, "Internal Server Error", "An unexpected error occurred.")


async def test_problem_keeps_answering_for_http_layer_code() -> None:
    response = await _answer(Problem(400, "Bad signature", "The Stripe-Signature header is missing."))
    assert response.status_code == 400
    assert response.json() == _problem(400, "Bad signature", "The Stripe-Signature header is missing.")


def test_invalid_is_also_a_value_error_and_keeps_its_message() -> None:
    error = _Named("A product must be sold in at least one region.")
    assert isinstance(error, ValueError)
    assert str(error) == error.detail == "A product must be sold in at least one region."
    assert (error.title, error.code, error.details) == ("Invalid product", None, {})
