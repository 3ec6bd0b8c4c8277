"""Which process decides for a site: a lease that exactly one holder has at a time.

On PostgreSQL a session advisory lock on a dedicated connection (it goes when
the process or its connection dies, and a stand-by takes it over); on SQLite an
exclusive lock on a file beside the database; in memory the process is alone
anyway. Two deciders could still not corrupt anything (decisions are numbered
and saved atomically, so the second would get a conflict); the lease just
keeps them from wasting rounds on it.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from typing import IO, Any, Protocol

from engine.settings import Settings

log = logging.getLogger(__name__)


class Lease(Protocol):
    def acquire(self) -> bool: ...

    def held(self) -> bool: ...

    def release(self) -> None: ...


class FixedLease:
    """No contest: an in-memory store's one process decides; an API-only node never does."""

    def __init__(self, decides: bool) -> None:
        self.decides = decides

    def acquire(self) -> bool:
        return self.decides

    def held(self) -> bool:
        return self.decides

    def release(self) -> None:
        return None


class FileLease:
    """SQLite: an exclusive `flock` on a file beside the database; the OS drops it on exit."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._file: IO[bytes] | None = None

    def acquire(self) -> bool:
        import fcntl

        handle = open(self.path, "ab")  # noqa: SIM115 - held open as the lease
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._file = handle
        return True

    def held(self) -> bool:
        return self._file is not None

    def release(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class AdvisoryLease:
    """PostgreSQL: `pg_try_advisory_lock` on a connection used for nothing else."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        digest = hashlib.sha256(f"porter-dispatch:{settings.site}".encode()).digest()
        self.key = int.from_bytes(digest[:8], "big", signed=True)
        self._conn: Any = None

    def acquire(self) -> bool:
        import psycopg

        s = self.settings
        try:
            conn = psycopg.connect(
                host=s.postgres_host,
                port=s.postgres_port,
                user=s.postgres_user,
                password=s.postgres_password,
                dbname=s.postgres_dbname,
                autocommit=True,
                connect_timeout=5,
            )
            row = conn.execute("SELECT pg_try_advisory_lock(%s)", (self.key,)).fetchone()
        except Exception:
            log.warning("cannot reach PostgreSQL for the dispatch lease", exc_info=True)
            return False
        if not (row and row[0]):
            conn.close()
            return False
        self._conn = conn
        return True

    @property
    def backend_pid(self) -> int | None:
        """The server process holding the lock for us (operators terminate it to force
        a failover; the tests do)."""
        return None if self._conn is None else int(self._conn.info.backend_pid)

    def held(self) -> bool:
        if self._conn is None:
            return False
        try:
            self._conn.execute("SELECT 1")
        except Exception:
            log.warning("lost the dispatch lease connection; standing by", exc_info=True)
            self.release()
            return False
        return True

    def release(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):  # closing a broken connection
                self._conn.close()
            self._conn = None


def lease_for(settings: Settings) -> Lease:
    if settings.store == "postgres":
        return AdvisoryLease(settings)
    if settings.store == "sqlite" and str(settings.sqlite_path) != ":memory:":
        return FileLease(f"{settings.sqlite_path}.{settings.site}.loop-lock")
    return FixedLease(decides=True)
