"""Re-seal a site's stored events with the current key, so older keys can be retired.

The library has no key rotation, and an append-only log never rewrites an event
by itself: events sealed with an old key stay so. This rewrites each event's
encrypted state in place, row by row in batches of one transaction each: the
plaintext is the same before and after (only the sealing changes), so every
row's position, id and version stay as they were, and the read models and
tracking positions of running processes stay true. Processes holding both the
new and the old keys (`DISPATCH_CIPHER_OLD_KEYS`) read every row at every moment,
so the site keeps running while it is done.

What it cannot reach: backups, WAL archives and exported logs made before, and
until a vacuum the old row versions PostgreSQL keeps and the pages SQLite freed.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from psycopg import sql

from engine.domain.errors import DomainError
from engine.write.application import DispatchApp
from engine.write.cipher import KeyRing

_BATCH = 500


class RekeyError(DomainError):
    """The store cannot be re-sealed as asked (no key set, an event no key opens)."""


@dataclass(frozen=True)
class Rekeyed:
    resealed: int  # rewritten under the current key
    current: int  # already under it
    stale: int  # still under an old key when the pass ended (a process writing with it)


class _Rows(Protocol):
    def batch(self, after: int, limit: int) -> list[tuple[int, bytes]]: ...
    def update(self, rows: list[tuple[int, bytes]]) -> None: ...
    def vacuum(self) -> None: ...


class _SQLite:
    def __init__(self, recorder: SQLiteApplicationRecorder) -> None:
        self.store = recorder.datastore
        self.table = recorder.events_table_name

    def batch(self, after: int, limit: int) -> list[tuple[int, bytes]]:
        with self.store.transaction(commit=False) as c:
            c.execute(
                f"SELECT rowid, state FROM {self.table} WHERE rowid > ? ORDER BY rowid LIMIT ?",
                (after, limit),
            )
            return [(int(r[0]), bytes(r[1])) for r in c.fetchall()]

    def update(self, rows: list[tuple[int, bytes]]) -> None:
        with self.store.transaction(commit=True) as c:
            c.executemany(
                f"UPDATE {self.table} SET state = ? WHERE rowid = ?", [(s, i) for i, s in rows]
            )

    def vacuum(self) -> None:
        """Rebuild the file without the freed pages, and empty the write-ahead log."""
        conn = sqlite3.connect(self.store.pool.db_name, isolation_level=None)
        try:
            conn.execute("VACUUM")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()


class _Postgres:
    def __init__(self, recorder: PostgresApplicationRecorder) -> None:
        self.store = recorder.datastore
        self.table = sql.Identifier(recorder.datastore.schema, recorder.events_table_name)

    def batch(self, after: int, limit: int) -> list[tuple[int, bytes]]:
        query = sql.SQL(
            "SELECT notification_id, state FROM {} WHERE notification_id > %s "
            "ORDER BY notification_id LIMIT %s"
        ).format(self.table)
        with self.store.transaction(commit=False) as c:
            c.execute(query, (after, limit))
            return [(int(r["notification_id"]), bytes(r["state"])) for r in c.fetchall()]

    def update(self, rows: list[tuple[int, bytes]]) -> None:
        query = sql.SQL("UPDATE {} SET state = %s WHERE notification_id = %s").format(self.table)
        with self.store.transaction(commit=True) as c:
            c.executemany(query, [(s, i) for i, s in rows])

    def vacuum(self) -> None:
        """Rewrite the table without the dead row versions (an exclusive lock meanwhile)."""
        with self.store.get_connection() as conn:
            conn.autocommit = True
            conn.execute(sql.SQL("VACUUM FULL {}").format(self.table))


@contextmanager
def _rows(app: DispatchApp) -> Iterator[_Rows]:
    recorder = app.recorder
    if isinstance(recorder, SQLiteApplicationRecorder):
        yield _SQLite(recorder)
    elif isinstance(recorder, PostgresApplicationRecorder):
        yield _Postgres(recorder)
    else:
        raise RekeyError("only SQLite and PostgreSQL stores are kept at rest")


def rekey(app: DispatchApp, *, from_plaintext: bool = False, vacuum: bool = False) -> Rekeyed:
    """Re-seal every event of the site that an old key (or, `from_plaintext`, no key)
    sealed; then count what is still not under the current key."""
    ring = app.mapper.cipher
    if not isinstance(ring, KeyRing):
        raise RekeyError("set DISPATCH_CIPHER_KEY to the key to seal the events with")
    resealed = current = 0
    with _rows(app) as rows:
        after = 0
        while batch := rows.batch(after, _BATCH):
            changed = []
            for position, state in batch:
                if ring.is_current(state):
                    current += 1
                    continue
                plain = _open(ring, state, position, from_plaintext)
                changed.append((position, ring.encrypt(plain)))
            if changed:
                rows.update(changed)
                resealed += len(changed)
            after = batch[-1][0]
        stale = _stale(rows, ring)
        if vacuum:
            rows.vacuum()
    return Rekeyed(resealed, current, stale)


def _open(ring: KeyRing, state: bytes, position: int, from_plaintext: bool) -> bytes:
    try:
        return ring.decrypt(state)
    except ValueError:
        if from_plaintext and _is_plaintext(state):
            return state
        raise RekeyError(
            f"event at position {position} opens with none of the keys given"
            + ("" if from_plaintext else " (a store written unencrypted: --from-plaintext)")
        ) from None


def _is_plaintext(state: bytes) -> bool:
    try:
        data: Any = json.loads(state)
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(data, dict)


def _stale(rows: _Rows, ring: KeyRing) -> int:
    stale, after = 0, 0
    while batch := rows.batch(after, _BATCH):
        stale += sum(1 for _, state in batch if not ring.is_current(state))
        after = batch[-1][0]
    return stale
