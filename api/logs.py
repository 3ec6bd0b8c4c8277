"""What the server's logs may say: never patient data.

No route takes patient data in its path or query (references and notes travel in
bodies, which nothing logs), but a client can put anything in a URL, and
uvicorn's access log prints the query string before any route refuses it. The
access log here keeps the path and drops the query.
"""

from __future__ import annotations

import logging

ACCESS = "uvicorn.access"


class NoQueryStrings(logging.Filter):
    """uvicorn logs `(client, method, path with query, http version, status)`."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            path, query, _ = args[2].partition("?")
            record.args = (args[0], args[1], f"{path}?…" if query else path, *args[3:])
        return True


def install() -> None:
    """Once per process, whoever configures uvicorn's loggers after (a filter outlives a
    `dictConfig` of its logger)."""
    logger = logging.getLogger(ACCESS)
    if not any(isinstance(f, NoQueryStrings) for f in logger.filters):
        logger.addFilter(NoQueryStrings())
