"""The OpenAPI document, finished once FastAPI has built it from the routes: what no
route's decorator says, added by walking the whole document so no route is missed.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from api import limits, links


def install(app: FastAPI) -> None:
    """Build the document as FastAPI does, then finish it, once: the links between
    operations, and the 413 every operation taking a body may answer."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = limits.document(links.add_links(build()))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
