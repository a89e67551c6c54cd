"""Schemathesis fuzzes every operation of the goals API's own OpenAPI document: no 5xx, ever.

Each operation gets 30 generated requests that fit the document (positive) and, where it
takes a body or query parameters, 30 that break it (negative); all with a valid clinician token.
"""
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from shared.web.auth import mint_token

pytestmark = pytest.mark.integration

OPERATIONS = [
    ("POST", "/v1/goals"),
    ("GET", "/v1/goals"),
    ("GET", "/v1/goals/{goal_id}"),
    ("PATCH", "/v1/goals/{goal_id}"),
    ("POST", "/v1/goals/{goal_id}/milestones"),
    ("POST", "/v1/goals/{goal_id}/milestones/{milestone_id}/reached"),
    ("POST", "/v1/goals/{goal_id}/status"),
    ("GET", "/v1/goals/{goal_id}/events"),
    ("POST", "/v1/sessions"),
    ("GET", "/v1/sessions"),
    ("GET", "/v1/sessions/{session_id}"),
]


@pytest.fixture(scope="module")
def goals_api_schema(goals_app):
    return schemathesis.openapi.from_wsgi("/openapi.json", goals_app)


@pytest.fixture(scope="module")
def bearer(goals_settings) -> dict:
    token = mint_token(goals_settings.jwt_secret, sub="fuzz-clinician", clinic_id="clinic-fuzz", role="clinician")
    return {"Authorization": f"Bearer {token}"}


def test_the_fuzzed_operations_are_all_the_documented_ones(goals_api_schema):
    documented = {(op.ok().method.upper(), op.ok().path) for op in goals_api_schema.get_all_operations()}

    assert documented == set(OPERATIONS)


LISTINGS = ("/v1/goals", "/v1/sessions")
WITH_INPUT = [(method, path) for method, path in OPERATIONS if method in ("POST", "PATCH") or path in LISTINGS]
CASES = [(*operation, GenerationMode.POSITIVE) for operation in OPERATIONS] + \
        [(*operation, GenerationMode.NEGATIVE) for operation in WITH_INPUT]


@pytest.mark.parametrize("method, path, mode", CASES, ids=[f"{m} {p} {mode.value}" for m, p, mode in CASES])
def test_the_goals_api_never_answers_with_a_server_error(goals_api_schema, bearer, method, path, mode):
    operation = goals_api_schema[path][method]

    @given(case=operation.as_strategy(generation_mode=mode, headers=bearer))
    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
              database=None)
    def never_a_server_error(case):
        case.call_and_validate(headers=bearer, checks=[not_a_server_error])

    never_a_server_error()
