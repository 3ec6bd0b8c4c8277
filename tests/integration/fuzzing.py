"""The fuzzing harness: the real app on a test's store, its OpenAPI loaded by
schemathesis, callers signed in with static tokens as a deployment's machine clients
are (demo mode off), and the checks and budget every fuzz test shares.

The app is built by `create_app`, the server's own composition root, on the manual
clock at 09:00 with the demo hospital's roster registered (the rota starts the early
shift), so the examples in the OpenAPI name real locations and porters and the fuzzer
reaches past "no such location" into the jobs' lifecycle.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Flaky, Unsatisfiable
from schemathesis import Case, GenerationMode, Response
from schemathesis.checks import CheckFunction, not_a_server_error
from schemathesis.generation.stateful.state_machine import normalize_name
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.main import create_app
from api.settings import ApiSettings, token_digest
from engine.clock import ManualClock
from engine.hospital import Hospital
from engine.settings import Settings

ADMIN = "fuzz-admin-5c1d2e"
PORTER = "fuzz-porter-3f9e"  # EM-GC-01: the badge the OpenAPI's examples name
WARD = "fuzz-ward-e4d0"  # the emergency department's ward
GRANTS = {
    token_digest(ADMIN): {"role": "admin", "name": "fuzz admin"},
    token_digest(PORTER): {"role": "porter", "badge": "EM-GC-01"},
    token_digest(WARD): {"role": "ward", "department": "emergency"},
}

# What every answer is held to: no 5xx, only documented statuses and media types, the
# documented shape of every body and header, bad input refused (4xx), and a request
# without a valid token refused (401) wherever one is needed.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    ignored_auth,
]

# Derandomized (the same cases on every run, no example database carried between runs)
# and bounded: a few cases an operation; scenarios of a dozen calls, a few hundred calls.
EXAMPLES = 6
SCENARIOS = 40
STEPS = 12
CALLS = 400


def budget(**more: Any) -> settings:
    return settings(
        **{"max_examples": EXAMPLES, **more},
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )


# Where a string is one of the hospital's names, it is drawn from them this often (and
# made up otherwise): a job between real locations gets past "unknown location" into
# rounds, assignment and the lifecycle.
REAL = 0.8
NAMED = {
    "locations": ("body.origin", "body.location"),
    "destinations": ("body.destination",),
    "departments": ("body.department",),
    "groups": ("body.group", "query.group"),
    "badges": ("path.badge", "body.badge", "body.porters[*]", "query.porter"),
    "shifts": ("body.shift",),
}


def config(hospital: Hospital) -> schemathesis.Config:
    """Valid and invalid cases, strings drawn from `hospital`'s names; callers sign in as
    the admin; links only as the OpenAPI declares them (schemathesis guesses none: the
    stateful test walks what a client is told)."""
    catalogue = hospital.layout.catalogue
    names = {
        "locations": list(hospital.layout.codes),
        # the same, backwards: the simplest draw of each is then not the same place
        "destinations": list(reversed(hospital.layout.codes)),
        "departments": sorted(catalogue.departments),
        "groups": sorted(catalogue.groups),
        "badges": sorted(entry.badge for entry in hospital.porters()),
        "shifts": sorted(catalogue.shift_templates),
    }
    return schemathesis.Config.from_dict(
        {
            "generation": {"mode": "all", "deterministic": True, "database": "none"},
            "phases": {
                "coverage": {"enabled": False},
                "stateful": {"max-steps": STEPS, "inference": {"algorithms": []}},
            },
            "auth": {"openapi": {"HTTPBearer": {"bearer": ADMIN}}},
            "dictionaries": {name: {"values": values} for name, values in names.items()},
            "parameters": {
                where: {"dictionary": name, "probability": REAL}
                for name, places in NAMED.items()
                for where in places
            },
        }
    )


@contextmanager
def fuzzed(
    store: Settings, clock: ManualClock, hospital: Hospital
) -> Iterator[schemathesis.BaseSchema]:
    """The app running on `store` (its lifespan started by schemathesis's ASGI client and
    stopped here, so its store is closed before the store's fixture drops it)."""
    engine = store.model_copy(update={"round_interval": 0, "poll_seconds": 0.01})
    app = create_app(ApiSettings(tokens=GRANTS, seed_demo=True), engine, clock, hospital)
    try:
        yield schemathesis.openapi.from_asgi("/openapi.json", app, config=config(hospital))
    finally:
        asgi.shutdown_lifespans()


def fuzz_each_operation(
    schema: schemathesis.BaseSchema,
    token: str = ADMIN,
    examples: int = EXAMPLES,
    checks: list[CheckFunction] = CHECKS,
) -> list[str]:
    """Every operation called with its OpenAPI examples, then `examples` valid and as many
    invalid cases, as `token`'s caller; what failed, one line per operation (the first
    failure of each: the rest of its cases are not run)."""
    problems = []
    headers = {"Authorization": f"Bearer {token}"}
    for result in schema.get_all_operations():
        operation = result.ok()
        runs: list[tuple[st.SearchStrategy[Case], int]] = [
            (st.one_of(found), len(found))
            for found in [schema.get_strategies_from_examples(operation)]
            if found
        ]
        runs += [(operation.as_strategy(generation_mode=mode), examples) for mode in GenerationMode]
        for strategy, count in runs:
            try:
                _run(
                    strategy,
                    count,
                    lambda case: case.call_and_validate(headers=headers, checks=checks),
                )
            except Unsatisfiable:  # nothing to make invalid (no parameters, no body)
                continue
            except (AssertionError, BaseExceptionGroup) as failure:
                problems.append(f"{operation.label}: {failure}")
                break
    return problems


def _run(strategy: st.SearchStrategy[Case], count: int, call: Callable[[Case], Any]) -> None:
    @given(case=strategy)
    @budget(max_examples=count)
    def run(case: Case) -> None:
        call(case)

    run()


def walk_links(schema: schemathesis.BaseSchema, calls: int = CALLS) -> Counter[tuple[str, int]]:
    """Scenarios along the OpenAPI's links until about `calls` calls are made; how often
    each operation answered each status.

    A scenario starts where a client does: submitting a job, registering a porter, acting
    on a porter (badges are the hospital's); not on a made-up job id (the per-operation
    fuzz sends those). The app keeps its state from one scenario to the next, so a
    replay of an earlier scenario's first steps may meet other answers and so other
    choices: Hypothesis stops the run then (`Flaky`, which schemathesis's own runner also
    takes as the end of a run, not a failure) and another run goes on from the new state.
    """
    seen: Counter[tuple[str, int]] = Counter()

    class Linked(schema.as_state_machine()):  # type: ignore[misc]
        def after_call(self, response: Response, case: Case) -> None:
            super().after_call(response, case)
            seen[case.operation.label, response.status_code] += 1

        def validate_response(
            self, response: Response, case: Case, additional_checks: Any = None, **kwargs: Any
        ) -> None:
            transport = kwargs or None
            case.validate_response(
                response, checks=CHECKS, transport_kwargs=transport, recorder=self.recorder
            )

    for result in schema.get_all_operations():
        if "{job_id}" in (label := result.ok().label):
            setattr(Linked, normalize_name(f"RANDOM -> {label}"), None)
    for _ in range(5):
        with suppress(Flaky):
            Linked.run(settings=budget(max_examples=SCENARIOS, stateful_step_count=STEPS))
        if seen.total() >= calls:
            break
    return seen
