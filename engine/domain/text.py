"""Text a caller sends is text a person could have typed: no control characters (a NUL,
an escape sequence for a terminal that shows the log), no direction overrides that
make a note read otherwise than it is stored, no lone surrogates the store cannot
encode. Tabs and line breaks are text."""

from __future__ import annotations

import unicodedata
from typing import Any

from engine.domain.errors import field_error

_ALLOWED = frozenset("\t\n\r")
_BIDI = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))


def _bad(text: str) -> str | None:
    for char in text:
        if char in _ALLOWED:
            continue
        if char in _BIDI or unicodedata.category(char) in ("Cc", "Cs"):
            return f"U+{ord(char):04X}"
    return None


def refuse_controls(data: Any, path: str = "") -> None:
    """Walk a request's raw data; raise naming the first field holding such a character."""
    if isinstance(data, str):
        bad = _bad(data)
        if bad is not None:
            raise field_error(path, f"must not contain the control character {bad}")
    elif isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str):
                refuse_controls(key, path)
                refuse_controls(value, f"{path}.{key}" if path else key)
    elif isinstance(data, list | tuple):
        for i, value in enumerate(data):
            refuse_controls(value, f"{path}[{i}]")
