"""Signing in with an identity provider's tokens: real keys, a JWKS over real HTTP,
tokens signed and forged here, and the API checking them as it would a real one's."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import HTTPException

from api.main import create_app
from api.oidc import KeySet
from api.settings import ApiSettings, OidcSettings
from engine.clock import ManualClock
from engine.hospital import Hospital
from engine.settings import Settings
from tests.conftest import MORNING
from tests.e2e.server import free_port
from tests.identity import AUDIENCE, ISSUER, Provider, serving
from tests.integration.apiclient import Api, TestClient, refused
from tests.unit.projections.scenario import BLOOD

# The provider's names for our roles, under Keycloak's nested claim.
ROLES = {
    "desk": "dispatcher",
    "porters": "porter",
    "ward-nurse": "ward",
    "planning": "planner",
    "audit": "auditor",
    "it-admin": "admin",
}


@pytest.fixture(scope="module")
def idp() -> Iterator[Provider]:
    provider = Provider()
    provider.new_key("rsa-1")
    provider.new_key("ec-1", "EC")
    provider.new_key("stray", publish=False)  # a key the provider never published
    with serving(provider):
        yield provider


@pytest.fixture(scope="module")
def api(idp: Provider, hospital: Hospital) -> Iterator[Api]:
    oidc = OidcSettings(
        issuer=ISSUER,
        audience=AUDIENCE,
        jwks_url=idp.jwks_url,
        role_claim="realm_access.roles",
        roles=ROLES,
        department_claim="dept",
        jwks_cooldown_seconds=0,
    )
    settings = ApiSettings(seed_demo=True, oidc=oidc)
    engine = Settings(store="memory", site="oidc", round_interval=0, poll_seconds=0.01)
    with TestClient(create_app(settings, engine, ManualClock(MORNING), hospital)) as client:
        yield Api(client)


def signed(idp: Provider, *roles: str, kid: str = "rsa-1", **claims: Any) -> str:
    return idp.token(kid, realm_access={"roles": list(roles)}, **claims)


def porter_badge(hospital: Hospital) -> str:
    return hospital.porters()[0].badge


def test_a_good_token_of_each_role_signs_in(idp: Provider, api: Api, hospital: Hospital) -> None:
    badge = porter_badge(hospital)
    for role, path in [
        ("desk", "/jobs"),
        ("planning", "/policy"),
        ("audit", "/decisions"),
        ("it-admin", "/figures"),
        ("ward-nurse", "/jobs"),
        ("porters", f"/porters/{badge}/jobs"),
    ]:
        token = signed(idp, role, badge=badge, dept="emergency")
        api.call(token, "GET", path)
    other = hospital.porters()[1].badge  # the badge is the token's, not the caller's choice
    api.call(signed(idp, "porters", badge=badge), "GET", f"/porters/{other}/jobs", 403)


def test_what_a_signed_in_user_does_is_recorded_with_their_name(idp: Provider, api: Api) -> None:
    ward = signed(idp, "ward-nurse", dept="emergency", name="Wen Li, ED nurse")
    desk = signed(idp, "desk", name="Dana Desk")
    mine = api.call(ward, "POST", "/jobs", 201, json=BLOOD, headers={"Idempotency-Key": "w1"})
    theirs = api.call(desk, "POST", "/jobs", 201, json=BLOOD, headers={"Idempotency-Key": "d1"})
    changes = api.call(signed(idp, "audit"), "GET", "/events?after=0")["items"]
    submitted = {c["id"]: c["actor"] for c in changes if c["type"] == "Job.Submitted"}
    assert submitted[mine["id"]] == {"by": "Wen Li, ED nurse", "role": "ward", "for": None}
    assert submitted[theirs["id"]] == {"by": "Dana Desk", "role": "dispatcher", "for": "emergency"}
    nameless = signed(idp, "desk", sub="u-77")  # no name claim: the subject is recorded
    job = api.call(nameless, "POST", "/jobs", 201, json=BLOOD, headers={"Idempotency-Key": "n1"})
    changes = api.call(signed(idp, "audit"), "GET", "/events?after=0")["items"]
    (its,) = [c for c in changes if c["type"] == "Job.Submitted" and c["id"] == job["id"]]
    assert its["actor"]["by"] == "u-77"


def test_a_token_signed_with_an_ec_key_signs_in_too(idp: Provider, api: Api) -> None:
    api.call(signed(idp, "desk", kid="ec-1"), "GET", "/jobs")


def test_a_token_just_past_its_expiry_signs_in_within_the_leeway(idp: Provider, api: Api) -> None:
    api.call(signed(idp, "desk", exp=int(time.time()) - 5), "GET", "/jobs")


def _swapped_payload(idp: Provider) -> str:
    """A porter's token with an admin's claims pasted in: the signature no longer fits."""
    header, _, signature = signed(idp, "porters", badge="X").split(".")
    payload = signed(idp, "it-admin").split(".")[1]
    return f"{header}.{payload}.{signature}"


def _resigned_by_a_stranger(idp: Provider) -> str:
    """Signed with a key the provider never published, but naming one it did."""
    forged = signed(idp, "it-admin", kid="stray").split(".")
    header = signed(idp, "it-admin").split(".")[0]
    return f"{header}.{forged[1]}.{forged[2]}"


REFUSED: dict[str, Callable[[Provider], str]] = {
    "expired": lambda p: signed(p, "desk", exp=int(time.time()) - 120),
    "not yet valid": lambda p: signed(p, "desk", nbf=int(time.time()) + 120),
    "without an expiry": lambda p: signed(p, "desk", exp=None),
    "of another issuer": lambda p: signed(p, "desk", iss="https://idp.test/realms/other"),
    "for another audience": lambda p: signed(p, "desk", aud="another-app"),
    "without an audience": lambda p: signed(p, "desk", aud=None),
    "tampered with": _swapped_payload,
    "signed by another key": _resigned_by_a_stranger,
    "of an unknown key id": lambda p: signed(p, "desk", kid="stray"),
    "with no key id": lambda p: p.forged({"alg": "RS256"}, b"x", realm_access={"roles": ["desk"]}),
    "unsigned (alg none)": lambda p: p.forged(
        {"alg": "none", "kid": "rsa-1"}, b"", realm_access={"roles": ["it-admin"]}
    ),
    "HS256 keyed with the public key": lambda p: p.forged(
        {"alg": "HS256", "kid": "rsa-1"}, realm_access={"roles": ["it-admin"]}
    ),
    "ES256 claimed for an RSA key": lambda p: p.forged(
        {"alg": "ES256", "kid": "rsa-1"}, b"x" * 64, realm_access={"roles": ["it-admin"]}
    ),
    "not a token at all": lambda p: "not.a.token",
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_bad_token_is_refused_with_401_and_changes_nothing(
    idp: Provider, api: Api, case: str
) -> None:
    token = REFUSED[case](idp)
    key = {"Idempotency-Key": f"refused-{case}"}
    body = refused(api, token, "POST", "/jobs", 401, None, json=BLOOD, headers=key)
    assert "token" in body["message"] or "key" in body["message"], body


def test_a_token_whose_roles_map_to_none_here_is_forbidden(idp: Provider, api: Api) -> None:
    for token in (signed(idp, "visitor"), idp.token("rsa-1"), idp.token(roles=["admin"])):
        body = api.call(token, "GET", "/jobs", 403)
        assert "realm_access.roles" in body["message"], body


def test_a_porter_without_a_badge_or_a_ward_without_a_department_is_forbidden_with_why(
    idp: Provider, api: Api
) -> None:
    body = api.call(signed(idp, "porters"), "GET", "/porters/X/jobs", 403)
    assert "'badge' claim" in body["message"], body
    body = api.call(signed(idp, "ward-nurse", dept=" "), "GET", "/jobs", 403)
    assert "'dept' claim" in body["message"], body
    body = api.call(signed(idp, "ward-nurse", dept="nowhere"), "GET", "/jobs", 403)
    assert "unknown department 'nowhere'" in body["message"], body


def test_of_several_roles_the_broadest_is_taken(idp: Provider, api: Api) -> None:
    both = signed(idp, "porters", "desk")  # no badge: as a dispatcher it needs none
    assert api.call(both, "GET", "/jobs") == api.call(signed(idp, "desk"), "GET", "/jobs")


def test_a_key_published_after_the_keys_were_fetched_is_fetched_when_a_token_names_it(
    idp: Provider, api: Api
) -> None:
    api.call(signed(idp, "desk"), "GET", "/jobs")  # the keys are in hand
    idp.new_key("rsa-2")  # the provider rotates
    before = idp.fetches
    api.call(signed(idp, "desk", kid="rsa-2"), "GET", "/jobs")
    assert idp.fetches == before + 1
    api.call(signed(idp, "desk", kid="rsa-2"), "GET", "/jobs")
    assert idp.fetches == before + 1  # and kept


def keyset(url: str, **settings: Any) -> KeySet:
    return KeySet(OidcSettings(issuer=ISSUER, audience=AUDIENCE, jwks_url=url, **settings))


def test_tokens_naming_made_up_key_ids_fetch_the_keys_at_most_once_per_cooldown() -> None:
    provider = Provider()
    provider.new_key("rsa-1")
    with serving(provider):
        keys = keyset(provider.jwks_url, jwks_cooldown_seconds=30)
        assert keys.fetch("rsa-1") is not None
        assert [keys.fetch(f"made-up-{n}") for n in range(5)] == [None] * 5
        assert provider.fetches == 1


def test_while_the_provider_is_unreachable_the_keys_fetched_before_still_serve() -> None:
    provider = Provider()
    provider.new_key("rsa-1")
    with serving(provider):
        keys = keyset(provider.jwks_url, jwks_cache_seconds=0.1)
        assert keys.cached("rsa-1") is None  # nothing fetched yet: no I/O on this path
        assert keys.fetch("rsa-1") is not None
        assert keys.cached("rsa-1") is not None
    time.sleep(0.2)  # the cache has expired, and the provider is gone
    assert keys.cached("rsa-1") is None
    fetched = keys.fetch("rsa-1")
    assert fetched is not None
    assert fetched.key_id == "rsa-1"
    assert keys.cached("rsa-1") is fetched  # and the provider is left alone for a while


def test_an_unreachable_provider_whose_keys_were_never_fetched_is_a_503() -> None:
    keys = keyset(f"http://127.0.0.1:{free_port()}/certs")
    for _ in range(2):  # the second at once, without waiting on the provider again
        with pytest.raises(HTTPException) as refused:
            keys.fetch("rsa-1")
        assert refused.value.status_code == 503
