"""PostgreSQL writes in one message, the table lock held only inside the server.

The library's recorder takes an EXCLUSIVE lock on the events table (so that
notification ids are committed in the order they are issued, and a reader
tailing the log never passes a gap that fills later), then sends the insert and
the commit as separate steps of its pipeline. Between them the lock is held while
this process's thread waits to run Python again; with request threads and the
dispatch loop sharing one interpreter that wait is milliseconds, and every other
writer of the site queues behind it. At 50 jobs a second (four writes a job) the
writers saturated the lock: sessions sat "idle in transaction" holding it while
dozens waited in LOCK TABLE, and rounds waited seconds to save.

Here the whole transaction (BEGIN, the library's own lock statements, NOTIFY,
the INSERT, COMMIT) is one simple-query message with its values bound on the
client, so the server takes the lock and lets it go without waiting for us. A
uniqueness violation (a concurrent writer's win) still aborts the transaction;
it is rolled back and raised as the library's `IntegrityError`: nothing written.

The NOTIFY carries this recorder's token, so a process's listener can tell its own
writes (folded as made) from other processes' (to be read from the log).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import uuid4

import psycopg
from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg.sql import SQL, Composed, Identifier, Literal


class OneTripRecorder(PostgresApplicationRecorder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.notify_token = uuid4().hex  # names this process's writes on the channel

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        if self.datastore.enable_db_functions or not stored_events:
            ids: Sequence[int] | None = super().insert_events(stored_events, **kwargs)
            return ids
        values = SQL(", ").join(SQL("(%s, %s, %s, %s)") for _ in stored_events)
        query = Composed(
            [
                SQL("BEGIN; "),
                *(Composed([statement, SQL("; ")]) for statement in self.lock_table_statements),
                SQL("NOTIFY {0}, {1}; ").format(
                    Identifier(self.channel_name), Literal(self.notify_token)
                ),
                SQL(
                    "INSERT INTO {0}.{1} (originator_id, originator_version, topic, state) "
                    "VALUES {2} RETURNING notification_id; COMMIT"
                ).format(
                    Identifier(self.datastore.schema), Identifier(self.events_table_name), values
                ),
            ]
        )
        params = [
            value
            for e in stored_events
            for value in (e.originator_id, e.originator_version, e.topic, e.state)
        ]
        with self.datastore.get_connection() as conn:
            assert conn.autocommit  # the library's pool: the query holds its own transaction
            with psycopg.ClientCursor(conn) as curs:
                try:
                    curs.execute(query, params)
                except psycopg.Error:
                    conn.rollback()  # leave the pooled connection out of the aborted block
                    raise
                while not (curs.statusmessage or "").startswith("INSERT"):
                    if not curs.nextset():
                        raise psycopg.ProgrammingError("the INSERT's result is missing")
                return [int(row["notification_id"]) for row in curs.fetchall()]
