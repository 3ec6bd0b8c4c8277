"""The stream's inbox: batches what arrives from any thread, and asks for a keep-alive
only after a quiet spell."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from api.routers.events import _Inbox

T = TypeVar("T")


def run_alone(coroutine: Coroutine[Any, Any, T]) -> T:
    """On an event loop of its own thread: the browser tests' driver may leave one
    running in this thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_changes_pushed_meanwhile_come_out_in_one_batch_in_order() -> None:
    async def run() -> list[int] | None:
        inbox = _Inbox(asyncio.get_running_loop(), every=60)
        inbox.push([{"position": 1}])
        pusher = threading.Thread(target=inbox.push, args=([{"position": 2}, {"position": 3}],))
        pusher.start()
        pusher.join()
        await asyncio.sleep(0.01)
        batch = await inbox.take()
        inbox.close()
        return None if batch is None else [c["position"] for c in batch]

    assert run_alone(run()) == [1, 2, 3]


def test_a_quiet_stream_is_asked_for_a_keep_alive_and_a_write_puts_it_off() -> None:
    async def run() -> tuple[object, float, object]:
        loop = asyncio.get_running_loop()
        inbox = _Inbox(loop, every=0.05)
        began = loop.time()
        quiet = await inbox.take()  # nothing came: time for a keep-alive
        waited = loop.time() - began
        inbox.written()
        inbox.push([{"position": 7}])
        busy = await inbox.take()  # a change, though the next keep-alive is not yet due
        inbox.close()
        return quiet, waited, busy

    quiet, waited, busy = run_alone(run())
    assert quiet is None
    assert waited >= 0.05
    assert busy == [{"position": 7}]
