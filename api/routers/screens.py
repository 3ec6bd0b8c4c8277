"""The screens: the dispatcher's console (`/`), the porter's phone (`/m`), the ward's page
(`/ward`) and the auditor's view (`/audit`), plain HTML, ES modules and CSS served from
`api/web/`.

They hold no data and need no token to load: everything they show comes from the
public API, called with the bearer token the user signs in with, so a screen can
do no more than its token may. No build step: the files served are the files here.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from os import PathLike
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import Scope

from api.routing import OneHopRoute

WEB = Path(__file__).resolve().parents[1] / "web"
PAGES = {"/": "console.html", "/m": "phone.html", "/ward": "ward.html", "/audit": "audit.html"}

# Only the site's own scripts, styles and API: no inline code, nothing from elsewhere.
HEADERS = {
    "Cache-Control": "no-cache",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

router = APIRouter(route_class=OneHopRoute, include_in_schema=False)


def _page(name: str) -> Callable[[], Awaitable[FileResponse]]:
    async def page() -> FileResponse:
        return FileResponse(WEB / name, media_type="text/html", headers=HEADERS)

    page.__name__ = f"page_{Path(name).stem}"
    return page


for _path, _name in PAGES.items():
    router.add_api_route(_path, _page(_name), methods=["GET"])


class _Static(StaticFiles):
    """The pages' scripts and styles, revalidated on each load: a fixed screen is one
    reload away, never stuck in a browser's cache."""

    def file_response(
        self,
        full_path: PathLike[str] | str,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers.update({"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"})
        return response


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.mount("/web", _Static(directory=WEB), name="web")
