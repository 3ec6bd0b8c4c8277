"""OpenAPI links: which answer's value a client feeds to which operation next.

A job's answer (`JobPublic`, from submitting it, reading it or any action on it) gives
the `job_id` of every operation on that job, the badge of the porter holding it to
their actions on it, and its round's number to the decision; a porter's answer
(`PorterPublic`) the `badge` of every operation on that porter.

Added by walking the generated document (`api.openapi`), so a new route on a job or a
porter is linked without anyone remembering to: clients read what follows what, and
the stateful fuzzing in the tests walks the same links.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

JOB = "#/components/schemas/JobPublic"
PORTER = "#/components/schemas/PorterPublic"

# Porter actions on a job whose body names the porter: by default the one holding it.
_HOLDER_ACTS = ("acknowledge", "pick-up", "complete", "decline")


def add_links(spec: dict[str, Any]) -> dict[str, Any]:
    """`spec` with `components.links` and, on each answer giving a job or porter, `links`."""
    links: dict[str, dict[str, Any]] = {}
    by_model = {JOB: _job_links(spec, links), PORTER: _porter_links(spec, links)}
    for response in _answers(spec):
        schema = response.get("content", {}).get("application/json", {}).get("schema", {})
        if targets := by_model.get(schema.get("$ref")):
            response["links"] = {name: {"$ref": f"#/components/links/{name}"} for name in targets}
    spec.setdefault("components", {})["links"] = links
    return spec


def _answers(spec: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for item in spec.get("paths", {}).values():
        for op in item.values():
            for status, response in op.get("responses", {}).items():
                if status.startswith("2"):
                    yield response


def _operations(spec: dict[str, Any], prefix: str, kind: str) -> Iterator[tuple[str, str, str]]:
    """(path, operationId, a short name) of the operations on paths starting `prefix`:
    `job_get`, `job_post_pick-up`, `porter_post_shift_start`."""
    for path, item in spec.get("paths", {}).items():
        if path.startswith(prefix):
            rest = path.removeprefix(prefix).strip("/").replace("/", "_")
            for method, op in item.items():
                yield path, op["operationId"], f"{kind}_{method}{'_' if rest else ''}{rest}"


def _job_links(spec: dict[str, Any], links: dict[str, dict[str, Any]]) -> list[str]:
    names = []
    for path, op_id, name in _operations(spec, "/jobs/{job_id}", "job"):
        link: dict[str, Any] = {
            "operationId": op_id,
            "parameters": {"job_id": "$response.body#/id"},
            "description": f"{path}: on this job",
        }
        if path.rsplit("/", 1)[-1] in _HOLDER_ACTS:
            link["requestBody"] = {"badge": "$response.body#/porters/0"}
            link["description"] += ", as the porter holding it"
        links[name] = link
        names.append(name)
    for path, op_id, name in _operations(spec, "/decisions/{number}", "decision"):
        links[name] = {
            "operationId": op_id,
            "parameters": {"number": "$response.body#/decision_number"},
            "description": f"{path}: the round that placed this job",
        }
        names.append(name)
    return names


def _porter_links(spec: dict[str, Any], links: dict[str, dict[str, Any]]) -> list[str]:
    names = []
    for prefix, kind in (("/porters/{badge}", "porter"), ("/figures/porters/{badge}", "figures")):
        for path, op_id, name in _operations(spec, prefix, kind):
            links[name] = {
                "operationId": op_id,
                "parameters": {"badge": "$response.body#/badge"},
                "description": f"{path}: this porter",
            }
            names.append(name)
    return names
