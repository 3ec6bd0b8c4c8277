"""Imports point down only: each room may import from the rooms below it, never above.

cli                                   entry points
api · simulations                     (never each other)
engine.bootstrap                      the composition root
engine.dispatch                       rounds, decisions, driver, live loop
engine.projections                    read models and the read façade
engine.write                          the application and the event log
engine.assign                         the pure assignment core
engine.domain                         aggregates, events, commands, values
engine.clock · settings · hospital    what the composition root is given
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENGINE_ROOMS = {
    "engine.domain": {"engine.domain"},
    "engine.assign": {"engine.assign", "engine.domain"},
    "engine.clock": set(),
    "engine.settings": set(),
    "engine.hospital": {"engine.hospital", "engine.domain"},
    "engine.write": {"engine.write", "engine.domain", "engine.clock"},
    "engine.projections": {"engine.projections", "engine.write", "engine.domain"},
    "engine.dispatch": {
        "engine.dispatch",
        "engine.projections",
        "engine.write",
        "engine.assign",
        "engine.domain",
        "engine.settings",
    },
}
ENGINE = {"engine"}
ALLOWED = {
    **ENGINE_ROOMS,
    "engine.bootstrap": ENGINE,
    "engine": set(),  # the package itself: a docstring
    "api": {"api", *ENGINE},
    "simulations": {"simulations", *ENGINE},
    "cli": {"cli", "api", "simulations", *ENGINE},
}
OURS = ("engine", "api", "simulations", "cli")


def _room(module: str) -> str:
    """The longest room name that `module` is, or is inside."""
    rooms = [r for r in ALLOWED if module == r or module.startswith(r + ".")]
    if not rooms:
        raise AssertionError(f"{module} belongs to no room: add it to tests/unit/test_layers.py")
    return max(rooms, key=len)


def _imports(path: Path, module: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the package
                base = module.rsplit(".", node.level)[0]
                found.append(f"{base}.{node.module}" if node.module else base)
            elif node.module:
                found.append(node.module)
    return [f for f in found if f.split(".")[0] in OURS]


def _modules() -> list[tuple[str, Path]]:
    out = []
    for top in OURS:
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(p for p in parts if p != "__init__")
            out.append((name, path))
    return out


@pytest.mark.parametrize(("module", "path"), _modules(), ids=lambda v: str(v))
def test_no_module_imports_from_a_room_above_it(module: str, path: Path) -> None:
    room = _room(module)
    allowed = ALLOWED[room]
    wrong = [
        imported
        for imported in _imports(path, module)
        if not any(imported == a or imported.startswith(a + ".") for a in allowed)
    ]
    assert not wrong, f"{module} (room {room}) imports {wrong}"
