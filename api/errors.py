"""Domain errors and validation failures as HTTP answers, one shape for all.

`{"error": <type>, "message": <text>, "field": <where, when known>}`. Bad input
is 422 naming the field, a missing thing 404, a refused transition or a stale
write 409: never a 500 for something the caller can fix.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from engine.domain.errors import Conflict, DomainError, InvalidInput, NotFound


def problem(status: int, error: str, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": error, "message": message, **extra}, status_code=status)


def status_of(exc: DomainError) -> int:
    if isinstance(exc, InvalidInput):
        return 422
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, Conflict):
        return 409
    return 400


async def on_domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    extra = {"field": exc.field} if isinstance(exc, InvalidInput) else {}
    return problem(status_of(exc), type(exc).__name__, str(exc), **extra)


async def on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()
    ]
    first = errors[0] if errors else {"field": "request", "message": "invalid"}
    return problem(
        422,
        "InvalidInput",
        f"{first['field']}: {first['message']}",
        field=first["field"],
        errors=errors,
    )


async def on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, dict) else {"message": str(exc.detail)}
    response = problem(
        exc.status_code, HTTPStatus(exc.status_code).phrase.replace(" ", ""), **detail
    )
    for key, value in (exc.headers or {}).items():
        response.headers[key] = value
    return response


def install(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, on_domain_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
