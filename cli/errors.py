"""What stops a command before it runs or writes anything: a message and exit code 2."""

from __future__ import annotations

import re

from pydantic import ValidationError
from pydantic_settings.exceptions import SettingsError

_SECRET = ("TOKENS", "PASSWORD")


class InputError(Exception):
    """Input that stops a command before anything is run or written (exit code 2)."""


def settings_error(exc: ValidationError, prefix: str = "DISPATCH_") -> InputError:
    """A settings complaint named by its environment variable."""
    lines = []
    for error in exc.errors(include_url=False):
        where = "_".join(str(p) for p in error["loc"]).upper()
        name = prefix + where if where else prefix.rstrip("_")  # a check across settings
        given = error.get("input")
        secret = any(word in name for word in _SECRET)  # a token given wrong is still one
        shown = f" (given {given!r})" if isinstance(given, str | int | float) else ""
        shown = "" if secret else shown
        message = error["msg"]
        if error["type"] == "string_pattern_mismatch" and name.endswith("_SITE"):
            message = "a site id is lower-case letters, digits and _, starting with a letter"
        lines.append(f"{name}: {message}{shown}")
    return InputError("\n".join(lines))


def settings_source_error(exc: SettingsError, prefix: str = "DISPATCH_") -> InputError:
    """A setting that is not even JSON where JSON is wanted, named by its variable
    (pydantic-settings names the field; the value, maybe a token, is not repeated)."""
    match = re.search(r'field "(\w+)"', str(exc))
    name = prefix + match.group(1).upper() if match else prefix.rstrip("_")
    return InputError(f"{name}: not valid JSON (a JSON object or list is wanted here)")
