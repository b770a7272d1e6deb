"""One table mapping exception types to RFC 9457 problem+json responses.

Every error a client sees goes through `problem_response`: a stable `code`, a status, a title
and a detail that names no internal path, SQL or traceback. Anything not in the table is a 500
with a correlation id that is also in the log, next to the traceback.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from domain.errors import DomainError, InvalidInput, NotFound, RuleViolated
from letopis.ledger import CommandIdReused, ConcurrencyConflict, VersionMismatch

log = logging.getLogger("letopis.api")

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://letopis.example/problems/"


class ApiError(Exception):
    """An HTTP-level refusal raised by the API layer itself (auth, preconditions, waits)."""

    status = 400
    code = "bad_request"
    title = "Bad request"

    def __init__(self, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or {}


class Unauthenticated(ApiError):
    status, code, title = 401, "unauthenticated", "Authentication required"


class Forbidden(ApiError):
    status, code, title = 403, "forbidden", "Not allowed for this role"


class ResourceNotFound(ApiError):
    status, code, title = 404, "not_found", "Not found"


class BadPrecondition(ApiError):
    status, code, title = 400, "bad_if_match", "If-Match is not accepted here"


class ProjectionBehind(ApiError):
    status, code, title = 409, "projection_behind", "The read model has not caught up yet"


@dataclass(frozen=True)
class ProblemKind:
    status: int
    title: str


# The one table: the most specific class first; a domain error's own `code` is kept.
PROBLEMS: tuple[tuple[type[Exception], ProblemKind], ...] = (
    (VersionMismatch, ProblemKind(412, "The stream is not at the expected version")),
    (ConcurrencyConflict, ProblemKind(409, "Concurrent change; reload and retry")),
    (CommandIdReused, ProblemKind(409, "Idempotency key reused for another command")),
    (NotFound, ProblemKind(404, "Not found")),
    (InvalidInput, ProblemKind(422, "Invalid input")),
    (RuleViolated, ProblemKind(409, "Refused by a business rule")),
    (DomainError, ProblemKind(422, "Refused")),
)


def problem_response(request: Request, status: int, code: str, title: str, detail: str,
                     headers: dict[str, str] | None = None,
                     extra: dict[str, Any] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"type": TYPE_BASE + code, "title": title, "status": status,
                            "detail": detail, "code": code, "instance": request.url.path}
    body.update(extra or {})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _classify(error: Exception) -> tuple[int, str, str, str] | None:
    if isinstance(error, ApiError):
        return error.status, error.code, error.title, error.detail
    for kind, problem in PROBLEMS:
        if isinstance(error, kind):
            code = error.code if isinstance(error, DomainError) else "error"
            detail = error.message if isinstance(error, DomainError) else problem.title
            return problem.status, code, problem.title, detail
    return None


async def _on_error(request: Request, error: Exception) -> JSONResponse:
    known = _classify(error)
    if known is None:
        correlation_id = str(uuid4())
        log.error("unexpected error, correlation id %s, %s %s", correlation_id,
                  request.method, request.url.path, exc_info=error)
        return problem_response(
            request, 500, "internal_error", "Internal error",
            f"an unexpected error occurred; quote correlation id {correlation_id}",
            extra={"correlation_id": correlation_id})
    status, code, title, detail = known
    headers = error.headers if isinstance(error, ApiError) else None
    return problem_response(request, status, code, title, detail, headers)


async def _on_validation(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    errors = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))}
              for e in error.errors()]
    first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
    detail = f"{'.'.join(first['loc'])}: {first['msg']}" if first["loc"] else str(first["msg"])
    return problem_response(request, 422, "validation_failed", "Request validation failed",
                            detail, extra={"errors": errors})


async def _on_http(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "http_error")
    headers = dict(error.headers) if error.headers else None
    return problem_response(request, error.status_code, code, str(error.detail),
                            str(error.detail), headers)


def install(app: FastAPI) -> None:
    """Register the handlers: validation, HTTP-level, and every other exception."""
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(ApiError, _on_error)
    app.add_exception_handler(DomainError, _on_error)
    # Anything else: Starlette's outermost middleware calls this, then re-raises to the server.
    app.add_exception_handler(Exception, _on_error)
