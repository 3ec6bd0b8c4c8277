"""The live loop: one thread per process that keeps the board current and, while this
process holds the site's lease, steps the dispatch driver on the site's clock.

Everything about *when* lives in the driver (`engine.dispatch.driver`); this
module only turns its answer ("step me again at t") into a wait on the system
clock, cut short by a wake-up from this process's own requests. Rounds are
triggered by what the log says happened, not by who asked, so a request served
by a stand-by process still leads to a round in the deciding one.

Exactly one process decides per site; a lease (`engine.dispatch.lease`) says
which. A stand-by keeps catching up (its read models serve requests) and tries
for the lease every `standby_seconds`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime

from engine.dispatch.driver import Driver
from engine.dispatch.lease import Lease
from engine.dispatch.listen import Listener
from engine.projections.feed import Feed

log = logging.getLogger(__name__)
LISTENING_POLL_SECONDS = 2.0


class LiveLoop:
    def __init__(
        self,
        driver: Driver,
        lease: Lease,
        *,
        wakeup: threading.Event | None = None,
        poll_seconds: float = 0.25,
        standby_seconds: float = 1.0,
        on_failure: Callable[[str | None], None] | None = None,
    ) -> None:
        """`on_failure` hears when the loop starts failing (why) and when it recovers
        (None): the dispatchers must know that nothing is being dispatched."""
        self.driver = driver
        self.lease = lease
        self.poll_seconds = poll_seconds
        self.standby_seconds = standby_seconds
        self.leading = False
        self.errors = 0
        self.failure: str | None = None  # why the last step failed; None once one succeeds
        self._on_failure = on_failure
        self._wake = wakeup or threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._next_try = 0.0
        self._next_check = 0.0
        self.listener = Listener(driver.app.recorder, self._heard)
        if isinstance(driver.board, Feed):  # reads the log once a poll unless told
            driver.board.read_every = self._poll

    @property
    def rounds(self) -> int:
        return self.driver.rounds

    @property
    def escalations(self) -> int:
        return self.driver.escalations

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="dispatch-loop", daemon=True)
        self._thread.start()
        self.listener.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        self.listener.stop()
        if self._thread is not None:
            self._thread.join(timeout)
        self.lease.release()
        self.leading = False

    def wake(self) -> None:
        self._wake.set()

    def _heard(self) -> None:
        """Another process wrote: read the log at the next step."""
        self.driver.board.told()
        self._wake.set()

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def step(self) -> datetime | None:
        """Catch up; step the driver if this process decides. Returns when the driver
        wants its next step, or None while standing by."""
        if not self._lead():
            self.driver.board.catch_up()  # other processes' writes reach the read models here
            return None
        return self.driver.step()  # which catches up first

    def _run(self) -> None:
        clock = self.driver.app.clock
        while not self._stop.is_set():
            try:
                wake_at = self.step()
                wait = self._poll()
                board = self.driver.board
                if isinstance(board, Feed):  # a skipped read is made up within the poll
                    wait = min(wait, board.read_due_in())
                if wake_at is not None:
                    wait = min(wait, max((wake_at - clock.now()).total_seconds(), 0.0))
                self._failing(None)
                if wait > 0:
                    self._wake.wait(wait)
                self._wake.clear()
            except Exception as exc:
                self.errors += 1
                self._failing(f"the dispatch loop's last step failed ({type(exc).__name__})")
                log.exception("dispatch loop step failed; retrying")
                self._stop.wait(min(self.poll_seconds * 4, 1.0))

    def _poll(self) -> float:
        """How long to wait unwoken: on PostgreSQL, while the listener hears every other
        process's write, the poll is only a safety net (a notification lost with its
        connection), and a group's idle sites should not each query the log four times
        a second."""
        if self.listener.listening:
            return max(self.poll_seconds, LISTENING_POLL_SECONDS)
        return self.poll_seconds

    def _failing(self, why: str | None) -> None:
        changed = why != self.failure
        self.failure = why
        if changed and self._on_failure is not None:
            try:
                self._on_failure(why)
            except Exception:  # telling must not stop the loop
                log.exception("could not tell of the dispatch loop's state")

    def _lead(self) -> bool:
        if self.leading and time.monotonic() < self._next_check:
            return True  # the lease was checked a moment ago: spare the store a query a step
        if self.leading and self.lease.held():
            self._next_check = time.monotonic() + self.poll_seconds
            return True
        self.leading = False
        if time.monotonic() < self._next_try:
            return False
        self._next_try = time.monotonic() + self.standby_seconds
        self.leading = self.lease.acquire()
        if self.leading:
            log.info("site %s: this process now decides", self.driver.app.site)
            self.driver.took_over()
        return self.leading
