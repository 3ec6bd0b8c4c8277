"""Static tokens for machine clients, kept as digests, and the demo tokens in demo mode only."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from pydantic import ValidationError

from api.main import create_app
from api.settings import ApiSettings, Grant, token_digest
from cli.main import main
from engine.clock import ManualClock
from engine.hospital import Hospital
from engine.settings import Settings
from tests.conftest import MORNING
from tests.integration.apiclient import Api, TestClient

DESK_TOKEN = "desk-pc-7f3a9c1e2b"


@contextmanager
def serving(hospital: Hospital, **settings: Any) -> Iterator[Api]:
    engine = Settings(store="memory", site="tokens", round_interval=0, poll_seconds=0.01)
    app = create_app(ApiSettings(**settings), engine, ManualClock(MORNING), hospital)
    with TestClient(app) as client:
        yield Api(client)


def test_a_token_kept_as_its_digest_signs_in_and_nothing_else_does(hospital: Hospital) -> None:
    tokens = {token_digest(DESK_TOKEN): {"role": "dispatcher", "name": "desk pc 7"}}
    with serving(hospital, tokens=tokens) as api:
        api.call(DESK_TOKEN, "GET", "/jobs")
        for wrong in (DESK_TOKEN[:-1], DESK_TOKEN + "x", token_digest(DESK_TOKEN), ""):
            api.call(wrong, "GET", "/jobs", 401)


def test_a_plain_token_in_the_configuration_is_hashed_as_it_is_read() -> None:
    settings = ApiSettings(tokens={DESK_TOKEN: {"role": "auditor"}})
    assert list(settings.tokens) == [token_digest(DESK_TOKEN)]
    assert DESK_TOKEN not in repr(settings)
    assert DESK_TOKEN not in settings.model_dump_json()


def test_a_digest_in_capitals_is_the_same_digest() -> None:
    upper = "sha256:" + token_digest(DESK_TOKEN).removeprefix("sha256:").upper()
    settings = ApiSettings(tokens={upper: {"role": "auditor"}})
    assert list(settings.tokens) == [token_digest(DESK_TOKEN)]


@pytest.mark.parametrize(
    ("grant", "complaint"),
    [
        ({"role": "porter"}, "a porter grant needs a badge"),
        ({"role": "ward"}, "a ward grant needs a department"),
        (
            {"role": "ward", "badge": "EM-GC-01"},
            "a ward grant needs a department and takes no badge",
        ),
        ({"role": "porter", "badge": "EM-GC-01", "department": "icu"}, "a porter grant takes no"),
        ({"role": "dispatcher", "badge": "EM-GC-01"}, "a dispatcher grant takes no badge"),
        ({"role": "porter", "badge": " "}, "badge: String should match pattern"),
        ({"role": "janitor"}, "role: Input should be"),
        ({"role": "admin", "rights": "all"}, "rights: Extra inputs are not permitted"),
    ],
)
def test_a_grant_that_cannot_be_honoured_is_refused_naming_its_entry_not_its_token(
    grant: dict[str, str], complaint: str
) -> None:
    good = {"role": "auditor"}
    with pytest.raises(ValidationError) as refused:
        ApiSettings(tokens={"first-token-s3cret": good, "second-token-s3cret": grant})
    message = str(refused.value)
    assert f"entry 2 (a plain token): {complaint}" in message, message
    assert "s3cret" not in message


def test_an_entry_kept_as_a_digest_is_named_by_the_digest_s_start() -> None:
    digest = token_digest("x")
    with pytest.raises(ValidationError) as refused:
        ApiSettings(tokens={digest: {"role": "porter"}, "sha256:abc": {"role": "admin"}})
    message = str(refused.value)
    assert f"entry 1 ({digest[:15]}…): a porter grant needs a badge" in message, message
    assert "entry 2 (sha256:abc…): sha256: must be followed by 64 hex digits" in message


def test_demo_tokens_are_refused_unless_demo_mode_is_on(hospital: Hospital) -> None:
    badge = hospital.porters()[0].badge
    with serving(hospital) as api:
        for token in ("demo-admin", "demo-dispatcher", "demo-ward-icu", f"demo-porter-{badge}"):
            api.call(token, "GET", f"/porters/{badge}", 401)
        assert "demo" not in api.client.get("/ready").json()
    with serving(hospital, demo=True) as api:
        for token in ("demo-admin", "demo-dispatcher", "demo-ward-icu"):
            api.call(token, "GET", "/jobs")
        assert api.client.get("/ready").json()["demo"] is True


def test_a_configured_token_wins_over_a_demo_one_of_the_same_text(hospital: Hospital) -> None:
    with serving(hospital, demo=True, tokens={"demo-admin": {"role": "auditor"}}) as api:
        api.call("demo-admin", "GET", "/jobs")
        api.call("demo-admin", "PATCH", "/policy", 403, json={"document": {}})


def test_dispatch_token_new_shows_a_token_once_with_the_entry_that_signs_it_in(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["token", "new", "--role", "porter", "--badge", "EM-GC-01"]) == 0
    shown, entry = capsys.readouterr().out.splitlines()
    token = shown.rsplit(" ", 1)[1]
    configured = json.loads("{" + entry.split(": ", 1)[1] + "}")
    settings = ApiSettings(tokens=configured)
    assert settings.tokens == {token_digest(token): Grant(role="porter", badge="EM-GC-01")}


def test_dispatch_token_new_refuses_a_grant_it_could_not_honour(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["token", "new", "--role", "ward"]) == 2
    assert "a ward grant needs a department" in capsys.readouterr().err


def test_dispatch_token_hash_reads_the_token_from_standard_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(DESK_TOKEN + "\n"))
    assert main(["token", "hash"]) == 0
    assert capsys.readouterr().out.strip() == token_digest(DESK_TOKEN)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["token", "hash"]) == 2
