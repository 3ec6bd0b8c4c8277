"""Other processes' writes, heard at once on PostgreSQL instead of at the next poll.

The event store's PostgreSQL recorder sends `NOTIFY <table>` in every transaction
that records events. A process that LISTENs on that channel learns of another
process's write within milliseconds, and wakes its live loop, which catches the
read models up (and, if it decides, runs the round the write may call for). The
loop still polls, slowly, in case a notification is lost with a connection.
SQLite has no such channel: there the loop's poll is the only way.

A process hears its own writes too. Those it has folded as it made them
(`Feed.offer`), so a notification carrying its own recorder's token is let pass:
only another writer's calls for a catch-up.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg.sql import SQL, Identifier

log = logging.getLogger(__name__)


class Listener:
    def __init__(self, recorder: Any, wake: Callable[[], None]) -> None:
        self._recorder = recorder if isinstance(recorder, PostgresApplicationRecorder) else None
        self._own = getattr(recorder, "notify_token", None)
        self._wake = wake
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.heard = 0  # other processes' notifications received, for tests and /ready
        self._active = False  # LISTEN in force on a live connection

    @property
    def listening(self) -> bool:
        return self._active and self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self._recorder is None:
            return
        self._thread = threading.Thread(target=self._run, name="site-listener", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._listen()
            except Exception:  # a dropped connection: listen again in a moment
                self._active = False
                log.warning("LISTEN on the site's log failed; listening again", exc_info=True)
                self._stop.wait(1.0)

    def _listen(self) -> None:
        recorder = self._recorder
        assert recorder is not None
        with recorder.datastore.get_connection() as conn:
            conn.execute(SQL("LISTEN {0}").format(Identifier(recorder.channel_name)))
            conn.commit()
            self._active = True
            self._wake()  # whatever was written while not listening
            while not self._stop.is_set():
                # Half a second of notifications a call: the stop flag is looked at between.
                for notify in conn.notifies(timeout=0.5):
                    if self._own is not None and notify.payload == self._own:
                        continue
                    self.heard += 1
                    self._wake()
