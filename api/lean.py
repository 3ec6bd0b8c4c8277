"""The plain case of a job's short commands, solved flat; anything else goes to FastAPI.

Every job takes four requests (submit, acknowledge, pick up, complete), and FastAPI's
handler costs each of them a generic walk: a nested solve per dependency with its cache
keys and scope checks, telemetry hooks, a content type parsed with `email.message`.
Under `benchmarks/api.py` that walk was about 7% of the server's CPU per job.
For a route as flat as these (dependencies that take only the request or headers, path
parameters, one body), `Lean` does the same steps with FastAPI's own pieces
(each field's `validate`, `request_body_to_args`, `serialize_response`) in the same
order: dependencies, then the path, then the body.

It takes only the plain case. A body that is not `application/json`, or any parameter
that fails validation, makes it answer None, and the route hands the request to
FastAPI's handler, which answers it as it always did (a 422 naming the field). The body
is read once either way: Starlette keeps it on the request. A dependency that refuses
(401, 403) raises here as it would there.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Coroutine, Mapping
from typing import Any
from uuid import UUID

from fastapi import Request, Response, params
from fastapi._compat import ModelField
from fastapi.datastructures import DefaultPlaceholder
from fastapi.dependencies.models import Dependant
from fastapi.dependencies.utils import request_body_to_args, request_params_to_args
from fastapi.routing import APIRoute, serialize_response
from fastapi.utils import is_body_allowed_for_status_code
from pydantic_core import PydanticUndefined

JSON = "application/json"


class Lean:
    """A flat route's handler for the plain case: the response, or None to hand over."""

    def __init__(self, route: APIRoute) -> None:
        self.route = route
        self.dependant = route.dependant
        self.call: Callable[..., Coroutine[Any, Any, Any]] = route.dependant.call  # type: ignore[assignment]

    @classmethod
    def of(cls, route: APIRoute) -> Lean | None:
        """A handler for a route this module can solve exactly, else None."""
        dependant = route.dependant
        if not (
            _awaitable(dependant.call)
            and route.response_field is not None
            and isinstance(route.response_class, DefaultPlaceholder)
            and not route.response_model_include
            and not route.response_model_exclude
            and route.response_model_by_alias
            and not route.response_model_exclude_unset
            and not route.response_model_exclude_defaults
            and not route.response_model_exclude_none
            and not dependant.query_params
            and not dependant.header_params
            and not dependant.cookie_params
            and len(dependant.body_params) <= 1
            and not route._embed_body_fields  # noqa: SLF001 - FastAPI's own flag for the body
            and not any(isinstance(f.field_info, params.Form) for f in dependant.body_params)
            and _plain(dependant)
            and all(_flat(sub) for sub in dependant.dependencies)
        ):
            return None
        return cls(route)

    async def __call__(self, request: Request) -> Response | None:
        values: dict[str, Any] = {}
        for sub in self.dependant.dependencies:
            kwargs = _params(sub.header_params, request.headers)
            if kwargs is None:
                return None
            if sub.request_param_name:
                kwargs[sub.request_param_name] = request
            values[sub.name] = await sub.call(**kwargs)  # type: ignore[misc, index]
        path = _params(self.dependant.path_params, request.path_params)
        if path is None:
            return None
        values.update(path)
        if self.dependant.body_params:
            body, ok = await _json_body(request)
            if not ok:
                return None
            fields, errors = await request_body_to_args(
                self.dependant.body_params, body, embed_body_fields=False
            )
            if errors:
                return None
            values.update(fields)
        return await self._answer(request, values)

    async def _answer(self, request: Request, values: dict[str, Any]) -> Response:
        # What the endpoint may set (a status code, headers), as FastAPI hands it over.
        sub_response = Response()
        del sub_response.headers["content-length"]
        sub_response.status_code = None  # type: ignore[assignment]
        if self.dependant.response_param_name:
            values[self.dependant.response_param_name] = sub_response
        if self.dependant.request_param_name:
            values[self.dependant.request_param_name] = request
        raw = await self.call(**values)
        if isinstance(raw, Response):
            return raw
        content = await serialize_response(
            field=self.route.response_field, response_content=raw, dump_json=True
        )
        status_code = sub_response.status_code or self.route.status_code
        response = Response(content=content, media_type=JSON, status_code=status_code or 200)
        if not is_body_allowed_for_status_code(response.status_code):
            response.body = b""
        response.headers.raw.extend(sub_response.headers.raw)
        return response


_SCALARS = (str, int, UUID)


def _params(fields: list[ModelField], given: Mapping[str, Any]) -> dict[str, Any] | None:
    """Path or header parameters, validated by their fields as FastAPI's handler does;
    None if one is missing or invalid (FastAPI then says which). A field with one name and
    a scalar type is looked up directly: `request_params_to_args` asks of each, on every
    request, whether its type is a sequence and which names it goes by."""
    values: dict[str, Any] = {}
    for field in fields:
        info = field.field_info
        if info.annotation not in _SCALARS or not (
            isinstance(info, params.Path) or (isinstance(info, params.Header) and info.alias)
        ):
            found, errors = request_params_to_args([field], given)
            if errors:
                return None
            values.update(found)
            continue
        raw = given.get(field.alias)
        if raw is None:
            return None
        value, errors = field.validate(raw, values, loc=(info.in_.value, field.alias))
        if errors:
            return None
        values[field.name] = value
    return values


def _plain(dependant: Dependant) -> bool:
    """Nothing that needs FastAPI's machinery: no background tasks, websockets or scopes."""
    return not (
        dependant.background_tasks_param_name
        or dependant.websocket_param_name
        or dependant.http_connection_param_name
        or dependant.security_scopes_param_name
    )


def _flat(sub: Dependant) -> bool:
    """A dependency that takes only the request and headers, and is awaited once."""
    return (
        sub.name is not None
        and _awaitable(sub.call)
        and not sub.dependencies
        and not sub.path_params
        and not sub.query_params
        and not sub.cookie_params
        and not sub.body_params
        and not sub.response_param_name
        and sub.concurrency is None
        and _plain(sub)
    )


async def _json_body(request: Request) -> tuple[Any, bool]:
    """The body as FastAPI's handler reads it, for the plain case only: JSON declared as
    exactly `application/json`, or none at all (then, as there, no value: a required
    body is missing, an optional one is None)."""
    raw = await request.body()
    if not raw:
        return PydanticUndefined, True
    if request.headers.get("content-type") != JSON:
        return None, False
    try:
        return json.loads(raw), True
    except (ValueError, RecursionError):  # FastAPI's handler says how it is refused
        return None, False


def _awaitable(call: Any) -> bool:
    """A coroutine function, or an object whose `__call__` is one (a security scheme)."""
    if inspect.isroutine(call):
        return inspect.iscoroutinefunction(call)
    return inspect.iscoroutinefunction(getattr(call, "__call__", None))  # noqa: B004
