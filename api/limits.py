"""Request bodies are small (the largest, a whole policy, is a few KiB): anything over
`MAX_BODY` is refused with 413 before it is read into memory or parsed, whether its
size is declared (Content-Length) or only found while it streams in."""

from __future__ import annotations

import json
from typing import Any

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY = 64 * 1024


def _too_large(size: str) -> dict[str, object]:
    return {
        "error": "ContentTooLarge",
        "message": f"the request body is {size}; at most {MAX_BODY} bytes are taken",
        "field": None,
    }


class BodyLimit:
    def __init__(self, app: ASGIApp, limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await _answer(send, _too_large(f"{declared.decode(errors='replace')[:20]} bytes"))
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    # Raised inside the route's reading of its body: the app's own handler
                    # answers it in the one error shape.
                    raise HTTPException(413, _too_large(f"over {self.limit} bytes"))
            return message

        await self.app(scope, counted, send)


async def _answer(send: Send, body: dict[str, object]) -> None:
    data = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": data})


def document(spec: dict[str, Any]) -> dict[str, Any]:
    """`spec` with the 413 listed on every operation that takes a body: no route's own
    decorator says it, since the refusal comes before any route is reached."""
    too_large = {
        "description": f"the body is over {MAX_BODY} bytes",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    for item in spec.get("paths", {}).values():
        for op in item.values():
            if "requestBody" in op:
                op.setdefault("responses", {})["413"] = too_large
    return spec
