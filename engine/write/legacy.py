"""Stores written before each SQLite site had its own table.

Until then every site in a SQLite file wrote to the library's one shared
`stored_events` table, so a second site read the first one's jobs. A site that
opens a file whose table of its own is still empty takes over its aggregates
from the shared table: every aggregate's first event names its site, so the
rows can be told apart. They are copied in log order, in one transaction; the
shared table is left for the other sites to take theirs.
"""

from __future__ import annotations

import json
import logging

from eventsourcing.sqlite import SQLiteDatastore

log = logging.getLogger(__name__)

SHARED = "stored_events"


def adopt_shared_table(datastore: SQLiteDatastore, table: str, site: str) -> int:
    """Copy this site's aggregates from the shared table into `table` if that is empty;
    returns how many events were copied."""
    with datastore.transaction(commit=True) as c:
        c.execute("SELECT name FROM sqlite_master WHERE type='table' AND name=?", (SHARED,))
        if c.fetchone() is None:
            return 0
        c.execute(f"SELECT 1 FROM {table} LIMIT 1")
        if c.fetchone() is not None:
            return 0
        c.execute(f"SELECT originator_id, state FROM {SHARED} WHERE originator_version = 1")
        mine = [(oid,) for oid, state in c.fetchall() if _site_of(state) == site]
        if not mine:
            return 0
        c.execute("CREATE TEMP TABLE IF NOT EXISTS adopting (originator_id TEXT PRIMARY KEY)")
        c.execute("DELETE FROM adopting")
        c.executemany("INSERT INTO adopting VALUES (?)", mine)
        c.execute(
            f"INSERT INTO {table} (originator_id, originator_version, topic, state) "
            f"SELECT originator_id, originator_version, topic, state FROM {SHARED} "
            "WHERE originator_id IN (SELECT originator_id FROM adopting) ORDER BY rowid"
        )
        c.execute("SELECT changes()")
        copied = int(c.fetchone()[0])
        c.execute("DROP TABLE adopting")
    log.warning("site %s: took %d events from the shared table %s", site, copied, SHARED)
    return copied


def _site_of(state: bytes | str) -> str | None:
    try:
        data = json.loads(state)
    except (ValueError, TypeError):  # compressed or enciphered: not a table we wrote
        return None
    site = data.get("site") if isinstance(data, dict) else None
    return site if isinstance(site, str) else None
