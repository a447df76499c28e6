"""Errors as `application/problem+json` (RFC 9457), each carrying the request id.

A bad request is always a 4xx with a readable message; only a bug is a 500. Use cases and domain rules
raise the framework-free kinds of `clinic_shared.application_errors` (NotFound, Conflict, Invalid, ...);
their HTTP status is chosen here, once (`STATUS_OF`). `Problem` is for HTTP-layer code only (routes,
dependencies) that answers with a status the request itself decides (a bad header, a bad signature).

A database that does not answer (refused connection, starting up or shutting down, an administrator's
shutdown, the pool's checkout timeout) is not a bug: the answer is 503 with `Retry-After`, so clients
and the gateway retry instead of reporting a failure.
"""

from __future__ import annotations

import errno
import logging
from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from clinic_shared.application_errors import (
    ApplicationError,
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    Unauthorized,
    Unavailable,
    UpstreamFailed,
    kind_of,
)
from clinic_shared.logs import request_id_var
from clinic_shared.messaging.outages import sqlstate_is_outage

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("clinic.errors")


class Problem(Exception):
    """Raise from a handler or route to answer with a problem document."""

    def __init__(self, status: int, title: str, detail: str | None = None, **extra: Any) -> None:
        super().__init__(detail or title)
        self.status = status
        self.title = title
        self.detail = detail or title
        self.extra = extra


# Each kind of application error and the status it answers with.
STATUS_OF: dict[type[ApplicationError], int] = {
    Invalid: 422,
    Unauthorized: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    UpstreamFailed: 502,
    Unavailable: 503,
}


def status_of(exc: ApplicationError) -> int:
    """The HTTP status of an application error; 500 for an ApplicationError of no known kind (a bug)."""
    kind = kind_of(exc)
    return STATUS_OF[kind] if kind is not None else 500


def problem_response(request: Request, status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        "request_id": request_id_var.get(),
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def _clean_validation_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # Never echo the input back: it may hold personal data (an email, a card number).
    return [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")} for e in errors]


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(request, exc.status, exc.title, exc.detail, **exc.extra)

    @app.exception_handler(ApplicationError)
    async def _application(request: Request, exc: ApplicationError) -> JSONResponse:
        status = status_of(exc)
        if status == 500:
            log.error("application error of no known kind", extra={"path": request.url.path,
                                                                   "error": type(exc).__name__})
            return problem_response(request, 500, "Internal Server Error", "An unexpected error occurred.")
        extra = dict(exc.details)
        if exc.code is not None:
            extra["code"] = exc.code
        return problem_response(request, status, exc.title, exc.detail, **extra)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        title = {401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed"}.get(
            exc.status_code, "Error"
        )
        response = problem_response(request, exc.status_code, title, str(exc.detail))
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _clean_validation_errors(list(exc.errors()))
        first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
        where = ".".join(str(p) for p in first["loc"] if p != "body") or "request"
        return problem_response(request, 422, "Invalid request", f"{where}: {first['msg']}", errors=errors)

    @app.exception_handler(DBAPIError)
    async def _database(request: Request, exc: DBAPIError) -> JSONResponse:
        # Text PostgreSQL cannot store (a NUL byte, broken UTF-8) is the client's input, not our bug.
        if _sqlstate(exc) in UNSTORABLE_TEXT:
            return problem_response(request, 422, "Invalid request",
                                    "The request contains characters that cannot be stored (such as NUL).")
        if database_unavailable(exc):
            return _unavailable(request, exc)
        log.exception("database error", extra={"path": request.url.path})
        return problem_response(request, 500, "Internal Server Error", "An unexpected error occurred.")

    @app.exception_handler(PoolTimeoutError)
    async def _pool(request: Request, exc: PoolTimeoutError) -> JSONResponse:
        return _unavailable(request, exc)

    # asyncpg raises some connection failures (57P03 while connecting, a closed connection) and the OS
    # its refusals without SQLAlchemy's wrapper. Handled here rather than by the catch-all below, which
    # Starlette re-raises after answering (a traceback in the log for what is only an outage).
    async def _driver(request: Request, exc: Exception) -> JSONResponse:
        if database_unavailable(exc):
            return _unavailable(request, exc)
        log.exception("database driver error", extra={"path": request.url.path})
        return problem_response(request, 500, "Internal Server Error", "An unexpected error occurred.")

    for driver_error in (asyncpg.PostgresError, asyncpg.InterfaceError, ConnectionError):
        app.add_exception_handler(driver_error, _driver)  # type: ignore[arg-type]

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> JSONResponse:
        # asyncpg and the OS raise some connection failures without SQLAlchemy's wrapper.
        if database_unavailable(exc):
            return _unavailable(request, exc)
        log.exception("unhandled error", extra={"path": request.url.path})
        return problem_response(request, 500, "Internal Server Error", "An unexpected error occurred.")


RETRY_AFTER_SECONDS = 2

# asyncpg's connection-level exceptions (raised without a SQLSTATE when the socket is gone).
_UNAVAILABLE_NAMES = {"ConnectionDoesNotExistError", "ConnectionFailureError", "CannotConnectNowError",
                      "AdminShutdownError", "CrashShutdownError", "TooManyConnectionsError"}


def database_unavailable(exc: BaseException) -> bool:
    """True when `exc` (or what it wraps) says the database does not answer, rather than a bug."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, PoolTimeoutError):
            return True
        if isinstance(current, DBAPIError) and current.connection_invalidated:
            return True
        code = getattr(current, "sqlstate", None) or getattr(current, "pgcode", None)
        if isinstance(code, str) and sqlstate_is_outage(code):  # the consumer policy's rule, shared
            return True
        if type(current).__name__ in _UNAVAILABLE_NAMES and type(current).__module__.startswith("asyncpg"):
            return True
        if isinstance(current, (ConnectionRefusedError, ConnectionResetError)):
            return True
        if isinstance(current, OSError) and current.errno in _SOCKET_ERRNOS:
            return True
        nxt = getattr(current, "orig", None) if isinstance(current, DBAPIError) else None
        current = nxt or current.__cause__ or current.__context__
    return False


_SOCKET_ERRNOS = {errno.ECONNREFUSED, errno.ECONNRESET, errno.ECONNABORTED, errno.EHOSTUNREACH,
                  errno.ENETUNREACH, errno.EPIPE, errno.ETIMEDOUT}


def _unavailable(request: Request, exc: BaseException) -> JSONResponse:
    log.warning("database unavailable", extra={"path": request.url.path, "error": type(exc).__name__})
    response = problem_response(request, 503, "Service Unavailable",
                                "The database is not answering right now; retry shortly.")
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


UNSTORABLE_TEXT = {"22021", "22P05"}  # character_not_in_repertoire, untranslatable_character


def _sqlstate(exc: DBAPIError) -> str | None:
    orig = exc.orig
    return getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries so every error a route can give is declared."""
    schema = {
        "type": "object",
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "instance": {"type": "string"},
            "request_id": {"type": ["string", "null"]},
        },
        "required": ["title", "status", "detail"],
    }
    return {s: {"description": "Problem", "content": {PROBLEM_JSON: {"schema": schema}}} for s in statuses}
