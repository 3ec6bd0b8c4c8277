"""The HTTP API: a FastAPI app whose engine is built in the lifespan, not at import.

`create_app()` only wires routes; the store, read models and dispatch loop
start when the server does and stop with it, so importing this module (for
the OpenAPI schema, for tests) opens nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool

from api import collector, errors, logs, openapi
from api.limits import BodyLimit
from api.routers import (
    decisions,
    events,
    figures,
    health,
    job_reports,
    jobs,
    policy,
    porters,
    rota,
    screens,
    site,
)
from api.runtime import Runtime
from api.settings import ApiSettings
from engine.clock import Clock
from engine.hospital import Hospital
from engine.settings import Settings


def create_app(
    api_settings: ApiSettings | None = None,
    engine_settings: Settings | None = None,
    clock: Clock | None = None,
    hospital: Hospital | None = None,
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = await run_in_threadpool(
            Runtime.start,
            api_settings or ApiSettings(),
            engine_settings or Settings(),
            clock,
            hospital,
        )
        app.state.runtime = runtime
        # Request handlers run in these threads and share one interpreter with the
        # dispatch loop: a small pool keeps a burst of requests from starving rounds.
        anyio.to_thread.current_default_thread_limiter().total_tokens = runtime.api.threads
        collector.install()
        try:
            yield
        finally:
            collector.uninstall()
            await run_in_threadpool(runtime.stop)

    app = FastAPI(
        title="Porter dispatch",
        summary="Hospital porter dispatch: jobs, porters, decisions and their reasons.",
        version="0.1.0",
        lifespan=lifespan,
    )
    errors.install(app)
    logs.install()
    app.add_middleware(BodyLimit)
    for module in (
        health,
        jobs,
        job_reports,
        porters,
        rota,
        decisions,
        figures,
        policy,
        events,
        site,
    ):
        app.include_router(module.router)
    screens.install(app)
    openapi.install(app)
    return app
