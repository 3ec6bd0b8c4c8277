"""Domain errors and validation failures as HTTP answers, one shape for all.

`{"error": <type>, "message": <text>, "field": <the request's own name for it>}`.
Bad input is 422 naming the field as the client sent it (`received_by`,
`requirements.mode`, `Idempotency-Key`, `after`), never where FastAPI looked for
it (`body.`, `query.`); a missing thing 404; a refused transition or a stale write
409: never a 500 for something the caller can fix.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from api.schemas import Problem
from engine.domain.errors import Conflict, DomainError, InvalidInput, NotFound, field_path

_SOURCES = ("body", "query", "header", "path", "cookie")

# Where the engine's name for a field is not the one the request used.
_REQUEST_NAMES = {"porter_ids": "porters", "idempotency_key": "Idempotency-Key"}


def problem(status: int, error: str, message: str, field: str | None = None) -> JSONResponse:
    body = Problem(error=error, message=message, field=field)
    return JSONResponse(body.model_dump(), status_code=status)


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
    if isinstance(exc, InvalidInput):
        field = _REQUEST_NAMES.get(exc.field, exc.field)
        return problem(422, type(exc).__name__, f"{field}: {exc.reason}", field)
    return problem(status_of(exc), type(exc).__name__, str(exc))


def _first_required(request: Request) -> str | None:
    """A request without the body its route needs: the first field that body requires."""
    body = getattr(request.scope.get("route"), "body_field", None)
    model = getattr(getattr(body, "field_info", None), "annotation", None)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return next((n for n, f in model.model_fields.items() if f.is_required()), None)
    return None


def _field_and_message(request: Request, error: dict[str, Any]) -> tuple[str | None, str]:
    loc = list(error.get("loc", ()))
    if loc and loc[0] in _SOURCES:
        loc = loc[1:]
    if error.get("type") == "json_invalid":  # no field to name: the body is not JSON
        return None, f"the body is not valid JSON: {error.get('ctx', {}).get('error', '')}"
    field = field_path(loc, error.get("ctx"))
    if field:
        return field, error["msg"]
    if error.get("type") == "missing" and (required := _first_required(request)):
        return required, "Field required (the request has no body)"
    return None, f"the body must be a JSON object: {error['msg']}"


async def on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors()) or [{"loc": (), "msg": "invalid", "type": "invalid"}]
    field, message = _field_and_message(request, errors[0])
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    text = f"{field}: {message}{more}" if field else f"{message}{more}"
    return problem(422, "InvalidInput", text, field)


def _unreadable(exc: StarletteHTTPException) -> str | None:
    """Why a body could not be read, when that is what this is. FastAPI answers bad JSON
    syntax as a validation error (422) but anything else that stops it parsing a body
    (bytes that are not UTF-8, nesting deeper than the parser goes) as a bare 400 it
    raises from the cause. Both are a body that is not JSON, and answered alike."""
    cause = exc.__cause__
    if exc.status_code != 400 or cause is None:
        return None
    if isinstance(cause, UnicodeDecodeError):
        return "it is not UTF-8 text"
    if isinstance(cause, RecursionError):
        return "it is nested too deeply"
    return type(cause).__name__


async def on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if (why := _unreadable(exc)) is not None:
        return problem(422, "InvalidInput", f"the body is not valid JSON: {why}")
    detail = exc.detail if isinstance(exc.detail, dict) else {"message": str(exc.detail)}
    error = HTTPStatus(exc.status_code).phrase.replace(" ", "")
    response = problem(exc.status_code, detail.get("error", error), **_fields(detail))
    for key, value in (exc.headers or {}).items():
        response.headers[key] = value
    if exc.status_code == 405:
        response.headers["Allow"] = _allowed(request)
    return response


_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")


def _allowed(request: Request) -> str:
    """Every method the path takes. Starlette answers 405 from the first route whose path
    matches, so `Allow` named that route's methods only (`GET` for /policy, which PUT
    and PATCH change too): every route is asked about every method instead."""
    return ", ".join(
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL
            for route in request.app.router.routes
        )
    )


def _fields(detail: dict[str, Any]) -> dict[str, Any]:
    return {"message": str(detail.get("message", "")), "field": detail.get("field")}


def install(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, on_domain_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
