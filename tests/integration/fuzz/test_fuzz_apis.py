"""Schemathesis against the goals, reminders and reports APIs as they run: gunicorn, the real store and Kafka.

Each API is fuzzed from its own OpenAPI document with a clinician's, a clinic admin's and a partner's
token, in every phase (examples, coverage, fuzzing, stateful) and with every check: no 5xx; status
codes, content types, headers and bodies as documented; no schema-valid request refused and no
invalid one accepted; auth enforced; an undeclared method answered 405 with `Allow`.

Bounded and reproducible: examples per operation and phase, seconds per run (ROLES), a fixed seed with
derandomized generation. A schema-valid request may still break a rule JSON Schema cannot state (a
date not in the past, item 9 at most the PHQ-9 total): the document names each such refusal by its
error code ("422 `date-in-the-past`") in the operation's fields or description, and only a refusal
so named passes for one of valid data.
"""
from __future__ import annotations

import collections
import json
import re
import time

import pytest
import requests
import schemathesis
from schemathesis import engine
from schemathesis.engine import events
from schemathesis.openapi.checks import RejectedPositiveData

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

SERVICES = ("goals", "reminders", "reports")
# examples per operation and phase, and seconds per run (a partner only ever meets 403, yet covering the goals
# API's 13 operations takes it up to 10 s on a loaded machine before any fuzzing): about 3 x 52 s in all
ROLES = {"clinician": (12, 22), "clinic_admin": (12, 18), "partner": (3, 12)}
SEED = 20261201
NAMED_REFUSAL = re.compile(r"(?:412|422) `([a-z0-9-]+)`")  # a precondition (If-Match) or a rule, named in the doc


def fuzz(url: str, authorization: str, examples: int, seconds: int) -> tuple[collections.Counter, list]:
    """Run schemathesis' engine against the API at `url`; (cases per phase, failures as (failure, case, response))."""
    config = schemathesis.Config.from_dict({
        "seed": SEED, "max-time": seconds, "suppress-health-check": ["all"],
        "generation": {"max-examples": examples, "deterministic": True, "database": "none"},
        "cache": {"enabled": False}, "headers": {"Authorization": authorization},
    })
    schema = schemathesis.openapi.from_url(url + "/openapi.json", config=config)
    cases, failures = collections.Counter(), []
    for event in engine.from_schema(schema).execute():
        if isinstance(event, events.NonFatalError):
            failures.append((f"{event.label}: {event.info.message}", None, None))
        elif isinstance(event, events.FatalError):
            failures.append((f"fatal: {event.exception!r}", None, None))
        elif isinstance(event, events.ScenarioFinished):
            cases[event.phase.value] += len(event.recorder.cases)
            failures += [(check.failure_info.failure, event.recorder.cases[case_id].value,
                          getattr(event.recorder.interactions.get(case_id), "response", None))
                         for case_id, checks in event.recorder.checks.items()
                         for check in checks if check.failure_info is not None]
    return cases, failures


def named_refusals(document: dict, method: str, path: str) -> set[str]:
    """The error codes the operation's documentation names as refusals of schema-valid input."""
    seen, texts, pending = set(), [], [document["paths"][path][method.lower()]]
    while pending:
        node = pending.pop()
        texts.append(json.dumps(node))
        for ref in re.findall(r'"\$ref": "#/([^"]+)"', texts[-1]):
            if ref not in seen:
                seen.add(ref)
                target = document
                for part in ref.split("/"):
                    target = target[part]
                pending.append(target)
    return set(NAMED_REFUSAL.findall(" ".join(texts)))


def explained(failure, case, response, document: dict) -> bool:
    """A refusal of valid data the document names: a rule (422) or a stale If-Match (412)."""
    if not isinstance(failure, RejectedPositiveData) or response is None or response.status_code not in (412, 422):
        return False
    code = json.loads(response.content or b"{}").get("error_code")
    return code in named_refusals(document, case.operation.method, case.operation.path)


def describe(failure, case, response) -> str:
    if case is None:
        return str(failure)
    answer = f"{response.status_code} {response.content[:300]!r}" if response is not None else "no response"
    return f"{case.operation.label}: {failure.title}: {failure.message[:300]}\n    {case.as_curl_command()}\n    -> {answer}"


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("role", ROLES)
def test_the_api_keeps_to_its_openapi_document(running_platform, token, service, role):
    url = running_platform.url(service)
    document = requests.get(url + "/openapi.json", timeout=10).json()
    started = time.monotonic()

    cases, failures = fuzz(url, token(role=role, clinic_id=f"clinic-fuzz-{service}"), *ROLES[role])

    print(f"\n{service} as {role}: {sum(cases.values())} cases {dict(cases)} in {time.monotonic() - started:.1f} s")
    unexplained = {describe(*failure) for failure in failures if not explained(*failure, document)}
    assert not unexplained, "\n".join(sorted(unexplained))
    assert cases["fuzzing"] > 0


@pytest.mark.parametrize("service, path, allowed", [("goals", "/v1/goals", {"GET", "POST"}),
                                                    ("reminders", "/v1/clinic/preferences", {"GET", "PUT"}),
                                                    ("reports", "/v1/reports/clinic", {"GET"})])
def test_an_undeclared_method_answers_405_with_allow(running_platform, token, service, path, allowed):
    response = requests.delete(running_platform.url(service) + path, headers={"Authorization": token()}, timeout=10)

    assert response.status_code == 405
    assert {method.strip() for method in response.headers.get("Allow", "").split(",")} >= allowed
