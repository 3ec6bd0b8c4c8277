"""The HTTP API: a FastAPI app whose engine is built in the lifespan, not at import.

`create_app()` only wires routes; the store, read models and dispatch loop
start when the server does and stop with it, so importing this module (for
the OpenAPI schema, for tests) opens nothing.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.telemetry import TelemetryConfig

from api import collector, errors, logs, openapi, routing
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


def _telemetry() -> TelemetryConfig | None:
    """FastAPI looks up OpenTelemetry's global providers on every request, about a
    thirtieth of a small request's cost. A deployment that traces says so with the
    standard OTEL_* variables (or FastAPI's own FASTAPI_OTEL_*); without them, nothing
    is looked up."""
    if any(name.startswith(("OTEL_", "FASTAPI_OTEL_")) for name in os.environ):
        return None  # FastAPI's defaults: traces, metrics and logs to the global providers
    return {"tracing": False, "metrics": False, "logs": False}


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
        # Request handlers share one interpreter with the dispatch loop: small pools keep
        # a burst of requests from starving rounds. Endpoints hop to the loop's default
        # executor (`api.routing`); anyio's serves the rest (files, a stream's first read).
        anyio.to_thread.current_default_thread_limiter().total_tokens = runtime.api.threads
        requests = ThreadPoolExecutor(runtime.api.threads, thread_name_prefix="request")
        asyncio.get_running_loop().set_default_executor(requests)
        collector.install()
        try:
            yield
        finally:
            collector.uninstall()
            # A request cancelled at shut-down leaves its thread running: let it finish
            # its write before the store closes.
            await run_in_threadpool(requests.shutdown)
            await run_in_threadpool(runtime.stop)

    app = FastAPI(
        title="Porter dispatch",
        summary="Hospital porter dispatch: jobs, porters, decisions and their reasons.",
        version="0.1.0",
        lifespan=lifespan,
        telemetry=_telemetry(),
    )
    errors.install(app)
    logs.install()
    app.add_middleware(BodyLimit)
    for module in (  # the routers every job passes through first: FastAPI tries them in order
        jobs,
        health,
        job_reports,
        porters,
        rota,
        decisions,
        figures,
        policy,
        events,
        site,
    ):
        routing.flat(app, module.router)
    screens.install(app)
    openapi.install(app)
    return app
