"""Short collector pauses for a server that keeps a whole site's day in memory.

The read models hold every job of the site, so each of Python's full
(generation 2) collections scans more objects than the last, holding the
interpreter lock, and so every request and every round, for 50 to 100 ms on
a busy day (measured under `benchmarks/api.py`). After each full collection,
whatever survived it is alive for good, mostly read-model state: it moves out
of the collector's view (`gc.freeze`), so the next full collection scans only
what came since. Reference counting still frees those objects when they go;
only a reference cycle among them would stay, and the folds make none.
"""

from __future__ import annotations

import gc
from typing import Any


def _after_full_collection(phase: str, info: dict[str, Any]) -> None:
    if phase == "stop" and info["generation"] == 2:
        gc.freeze()


def install() -> None:
    """Freeze what start-up built (modules, the caught-up board), then after each full
    collection; idempotent."""
    gc.freeze()
    if _after_full_collection not in gc.callbacks:
        gc.callbacks.append(_after_full_collection)


def uninstall() -> None:
    if _after_full_collection in gc.callbacks:
        gc.callbacks.remove(_after_full_collection)
    gc.unfreeze()
