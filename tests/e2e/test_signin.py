"""Signing in to a real `dispatch serve`: what it refuses to start with (exit 2, the
entry named, the token never shown), and which tokens it takes once it runs."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest

from api.settings import token_digest
from tests.e2e.server import DISPATCH, ROOT, Server, free_port
from tests.identity import AUDIENCE, ISSUER, Provider, serving
from tests.unit.projections.scenario import BLOOD

SECRET = "s3cret-never-shown"


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        (
            {"DISPATCH_TOKENS": json.dumps({SECRET: {"role": "porter"}})},
            "DISPATCH_TOKENS: entry 1 (a plain token): a porter grant needs a badge",
        ),
        (
            {"DISPATCH_TOKENS": json.dumps({token_digest(SECRET): {"role": "ward"}})},
            f"DISPATCH_TOKENS: entry 1 ({token_digest(SECRET)[:15]}…): a ward grant needs a",
        ),
        (
            {"DISPATCH_TOKENS": json.dumps({SECRET: {"role": "ward", "department": "icuu"}})},
            "DISPATCH_TOKENS: entry 1 (a ward of 'icuu'): unknown department 'icuu'",
        ),
        ({"DISPATCH_TOKENS": '{"' + SECRET + '": '}, "DISPATCH_TOKENS: not valid JSON"),
        (
            {"DISPATCH_OIDC_ISSUER": ISSUER},
            "DISPATCH_OIDC_AUDIENCE and DISPATCH_OIDC_JWKS_URL too",
        ),
        ({"DISPATCH_OIDC_ALGORITHMS": "RS256,HS256"}, "DISPATCH_OIDC_ALGORITHMS_1: Input should"),
        ({"DISPATCH_OIDC_ROLES": '{"desk": "boss"}'}, "DISPATCH_OIDC_ROLES_DESK: Input should"),
    ],
)
def test_serve_with_sign_in_it_cannot_honour_exits_2_naming_the_entry_never_the_token(
    tmp_path: Path, env: dict[str, str], complaint: str
) -> None:
    done = subprocess.run(
        [str(DISPATCH), "serve", "--port", str(free_port())],
        cwd=ROOT,
        env={**os.environ, "DISPATCH_SQLITE_PATH": str(tmp_path / "e.sqlite"), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert complaint in done.stderr, done.stderr
    assert SECRET not in done.stderr + done.stdout
    assert not (tmp_path / "e.sqlite").exists()  # nothing opened, nothing written


def test_a_plain_server_refuses_demo_tokens_and_takes_hashed_and_signed_ones(
    tmp_path: Path,
) -> None:
    provider = Provider()
    provider.new_key("ec-1", "EC")
    with serving(provider):
        env = {
            "DISPATCH_SITE": f"s{uuid4().hex[:12]}",
            "DISPATCH_STORE": "sqlite",
            "DISPATCH_SQLITE_PATH": str(tmp_path / "events.sqlite"),
            "DISPATCH_TOKENS": json.dumps({token_digest(SECRET): {"role": "auditor"}}),
            "DISPATCH_OIDC_ISSUER": ISSUER,
            "DISPATCH_OIDC_AUDIENCE": AUDIENCE,
            "DISPATCH_OIDC_JWKS_URL": provider.jwks_url,
            "DISPATCH_OIDC_ALGORITHMS": "ES256",
            "DISPATCH_OIDC_ROLE_CLAIM": "groups",
            "DISPATCH_OIDC_ROLES": json.dumps({"Porter Desk": "dispatcher"}),
        }
        server = Server(env, tmp_path / "server.log")
        server.start()
        try:
            assert "demo" not in ok(server.client().get("/ready"))
            assert server.client("demo-admin").get("/jobs").status_code == 401
            assert server.client(SECRET).get("/jobs").status_code == 200
            token = provider.token("ec-1", groups=["Porter Desk"], name="Dana Desk")
            key = {"Idempotency-Key": "signed-1"}
            job = ok(server.client(token).post("/jobs", json=BLOOD, headers=key), 201)
            changes = ok(server.client(SECRET).get("/events?after=0"))["items"]
            mine = [c for c in changes if c["type"] == "Job.Submitted" and c["id"] == job["id"]]
            assert [c["actor"]["by"] for c in mine] == ["Dana Desk"]
        finally:
            server.kill()
    assert "DEMO MODE" not in (tmp_path / "server.log").read_text()


def test_serve_demo_says_so_loudly_and_takes_the_demo_tokens(tmp_path: Path) -> None:
    env = {"DISPATCH_STORE": "sqlite", "DISPATCH_SQLITE_PATH": str(tmp_path / "events.sqlite")}
    server = Server(env, tmp_path / "server.log", args=("--demo",))
    server.start()
    try:
        assert ok(server.client().get("/ready"))["demo"] is True
        assert server.client("demo-admin").get("/jobs").status_code == 200
    finally:
        server.kill()
    assert "DEMO MODE" in (tmp_path / "server.log").read_text()
