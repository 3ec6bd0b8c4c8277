"""The screens' files, read as text: every word they show has English and Chinese, every
value the engine may answer has a word, every module and asset they load exists, and
each file stays small enough to read."""

from __future__ import annotations

import json
import re
from enum import StrEnum
from pathlib import Path

import pytest

from engine.domain.values import (
    Accompaniment,
    Complaint,
    Incident,
    Kind,
    Mode,
    Priority,
    Reason,
    Status,
)

WEB = Path(__file__).resolve().parents[2] / "api" / "web"
SCRIPTS = sorted((WEB / "js").glob("*.js"))
PAGES = sorted(WEB.glob("*.html"))


def words() -> dict[str, list[str]]:
    """Every dictionary's words (strings.js and its siblings), no key in two of them."""
    loaded: dict[str, list[str]] = {}
    for path in sorted((WEB / "js").glob("strings*.js")):
        text = path.read_text("utf-8")
        body = text[text.index("\nexport default ") + len("\nexport default ") :]
        found: dict[str, list[str]] = json.loads(body.strip().rstrip(";"))
        assert not set(found) & set(loaded), f"{path.name} repeats {set(found) & set(loaded)}"
        loaded |= found
    return loaded


def test_every_word_has_an_english_and_a_chinese_text() -> None:
    for key, texts in words().items():
        assert len(texts) == 2, key
        assert all(t.strip() for t in texts), key


def test_every_word_a_page_or_script_names_is_in_the_dictionary() -> None:
    known = words()
    used = set()
    for page in PAGES:
        used |= set(re.findall(r'data-i18n(?:-\w+)?="([\w.\-/]+)"', page.read_text("utf-8")))
    for script in SCRIPTS:
        text = script.read_text("utf-8")
        used |= set(re.findall(r"\bt\('([\w.\-/]+)'", text))
        used |= set(re.findall(r"i18n\('([\w.\-/]+)'\)", text))  # markup scripts build
    assert sorted(used - set(known)) == []


@pytest.mark.parametrize(
    ("prefix", "values"),
    [
        ("kind", Kind),
        ("priority", Priority),
        ("mode", Mode),
        ("acc", Accompaniment),
        ("status", Status),
        ("reason", Reason),
        ("incident", Incident),
        ("complaint", Complaint),
    ],
)
def test_every_value_the_engine_may_answer_has_a_word(prefix: str, values: type[StrEnum]) -> None:
    known = words()
    assert [v.value for v in values if f"{prefix}.{v.value}" not in known] == []


def test_every_module_a_script_imports_and_every_asset_a_page_loads_exists() -> None:
    for script in SCRIPTS:
        for name in re.findall(r"from '\./([\w.]+)'", script.read_text("utf-8")):
            assert (script.parent / name).exists(), f"{script.name} imports {name}"
    for page in PAGES:
        for asset in re.findall(r'(?:src|href)="/web/([\w./]+)"', page.read_text("utf-8")):
            assert (WEB / asset).exists(), f"{page.name} loads {asset}"


def test_no_screen_file_is_longer_than_three_hundred_lines() -> None:
    for path in [*SCRIPTS, *PAGES, *WEB.glob("css/*.css")]:
        assert len(path.read_text("utf-8").splitlines()) <= 300, path.name
