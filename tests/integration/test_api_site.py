"""What the screens read before anything else: the site (its places, departments and the
values forms offer), who the token is, and the pages themselves.

In-process on the in-memory store, like `test_api_actions`.
"""

from __future__ import annotations

from engine.domain.values import Kind, Priority, Reason
from engine.hospital import Hospital
from tests.integration.apiclient import Api


def test_the_site_names_its_departments_groups_and_the_values_its_forms_may_offer(
    api: Api, hospital: Hospital
) -> None:
    site = api.call("demo-ward-surgery", "GET", "/site")
    assert (site["site"], site["timezone"]) == ("apitest", "Asia/Shanghai")
    surgery = next(d for d in site["departments"] if d["id"] == "surgery_7")
    assert surgery == {"id": "surgery_7", "name": "Surgery 7", "group": "surgical"}
    assert {g["id"] for g in site["groups"]} == {"emergency", "internal", "surgical"}
    assert "cold_box" in {e["id"] for e in site["equipment"]}
    words = site["vocabulary"]
    assert words["priorities"] == ["stat", "asap", "urgent", "routine"]  # most urgent first
    assert set(words["kinds"]) == {k.value for k in Kind}
    assert set(words["priorities"]) == {p.value for p in Priority}
    assert set(words["reasons"]) == {r.value for r in Reason}


def test_every_location_is_listed_by_code_with_its_department_for_any_signed_in_role(
    api: Api, hospital: Hospital
) -> None:
    for token in ("demo-dispatcher", "demo-auditor", "demo-ward-icu", "demo-porter-EM-GC-01"):
        places = api.call(token, "GET", "/site/locations")
        assert [p["code"] for p in places] == sorted(hospital.layout.locations)
    resus = next(p for p in places if p["code"] == "ED-RESUS")
    assert resus["department"] == "emergency"
    assert (resus["building"], resus["floor"]) == ("emergency", 0)
    assert api.client.get("/site/locations").status_code == 401


def test_me_says_whose_token_it_is_so_a_page_shows_only_what_that_role_may_do(api: Api) -> None:
    assert api.call("demo-porter-EM-GC-01", "GET", "/me") == {
        "role": "porter",
        "who": "EM-GC-01",
        "badge": "EM-GC-01",
        "department": None,
    }
    ward = api.call("demo-ward-surgery", "GET", "/me")
    assert (ward["role"], ward["department"]) == ("ward", "surgery_7")
    assert api.call("demo-dispatcher", "GET", "/me")["role"] == "dispatcher"
    refused = api.client.get("/me", headers={"Authorization": "Bearer nobody"})
    assert (refused.status_code, refused.json()["error"]) == (401, "Unauthorized")


def test_the_pages_load_without_a_token_and_run_only_the_sites_own_scripts(api: Api) -> None:
    for path, script in (("/", "console.js"), ("/m", "phone.js"), ("/ward", "ward.js")):
        page = api.client.get(path)
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert f'src="/web/js/{script}"' in page.text
        assert "default-src 'self'" in page.headers["content-security-policy"]
    module = api.client.get("/web/js/stream.js")
    assert module.status_code == 200
    assert "javascript" in module.headers["content-type"]
    assert module.headers["cache-control"] == "no-cache"
    assert api.client.get("/web/js/nothing.js").status_code == 404
    assert "/m" not in api.client.get("/openapi.json").json()["paths"]
