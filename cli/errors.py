"""What stops a command before it runs or writes anything: a message and exit code 2."""

from __future__ import annotations

from pydantic import ValidationError


class InputError(Exception):
    """Input that stops a command before anything is run or written (exit code 2)."""


def settings_error(exc: ValidationError, prefix: str = "DISPATCH_") -> InputError:
    """A settings complaint named by its environment variable."""
    lines = []
    for error in exc.errors(include_url=False):
        name = prefix + "_".join(str(p) for p in error["loc"]).upper()
        given = error.get("input")
        shown = f" (given {given!r})" if isinstance(given, str | int | float) else ""
        message = error["msg"]
        if error["type"] == "string_pattern_mismatch" and name.endswith("_SITE"):
            message = "a site id is lower-case letters, digits and _, starting with a letter"
        lines.append(f"{name}: {message}{shown}")
    return InputError("\n".join(lines))
