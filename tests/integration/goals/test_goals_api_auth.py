"""Every goals endpoint needs a valid bearer token of a clinician or clinic admin."""
import time
from dataclasses import replace

import jwt
import pytest

from services.goals.app import create_app
from tests.identity_provider import AUDIENCE

pytestmark = pytest.mark.integration

OPERATIONS = [
    ("post", "/v1/goals"),
    ("get", "/v1/goals"),
    ("get", "/v1/goals/g-1"),
    ("patch", "/v1/goals/g-1"),
    ("post", "/v1/goals/g-1/milestones"),
    ("post", "/v1/goals/g-1/milestones/m-1/reached"),
    ("post", "/v1/goals/g-1/status"),
    ("get", "/v1/goals/g-1/events"),
    ("post", "/v1/sessions"),
    ("get", "/v1/sessions"),
    ("get", "/v1/sessions/s-1"),
    ("get", "/v1/fhir/Goal/g-1"),
    ("get", "/v1/clients/c-1/export"),
]


def call(client, method: str, path: str, headers: dict):
    return getattr(client, method)(path, json={} if method in ("post", "patch") else None, headers=headers)


@pytest.mark.parametrize("method, path", OPERATIONS)
def test_no_token_is_unauthorized(client, method, path):
    response = call(client, method, path, {})

    assert response.status_code == 401 and response.is_json
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("method, path", OPERATIONS)
def test_a_partner_is_forbidden(client, auth, method, path):
    response = call(client, method, path, auth(role="partner"))

    assert response.status_code == 403 and response.json["code"] == 403


def claims(**changes) -> dict:
    return {"sub": "c", "clinic_id": "clinic-1", "role": "clinician", "exp": int(time.time()) + 60, **changes}


@pytest.mark.parametrize("make_token", [
    lambda secret: "not-a-jwt",
    lambda secret: jwt.encode(claims(), "another-secret-" + secret, algorithm="HS256"),
    lambda secret: jwt.encode(claims(exp=int(time.time()) - 60), secret, algorithm="HS256"),  # past the leeway
    lambda secret: jwt.encode(claims(), secret, algorithm="HS512"),
    lambda secret: jwt.encode(claims(clinic_id=None), secret, algorithm="HS256"),
    lambda secret: jwt.encode(claims(role="client"), secret, algorithm="HS256"),
], ids=["garbage", "wrong-secret", "expired", "wrong-algorithm", "no-clinic", "unknown-role"])
def test_a_bad_token_is_unauthorized(client, goals_settings, make_token):
    token = make_token(goals_settings.jwt_secret)

    response = client.get("/v1/goals", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 401 and response.json["code"] == 401


def test_a_basic_auth_header_is_unauthorized(client):
    assert client.get("/v1/goals", headers={"Authorization": "Basic dXNlcjpwYXNz"}).status_code == 401


def test_a_clinic_admin_may_use_the_api(client, auth, goal_body):
    response = client.post("/v1/goals", json=goal_body(), headers=auth(role="clinic_admin", sub="admin-1"))

    assert response.status_code == 201 and response.json["clinician_id"] == "admin-1"


@pytest.mark.parametrize("alg", ["RS256", "ES256"])
def test_an_identity_providers_token_may_use_the_api_and_a_shared_secret_one_may_not(
        identity_provider, goals_settings, goals_db, clinic, goal_body, alg):
    settings = replace(goals_settings, jwt_jwks_url=identity_provider.jwks_url, jwt_issuer=identity_provider.issuer,
                       jwt_audience=AUDIENCE)
    client = create_app(settings, db=goals_db).test_client()
    token = identity_provider.sign(identity_provider.add_key(alg), clinic_id=clinic, sub="dr-lee")

    created = client.post("/v1/goals", json=goal_body(), headers={"Authorization": f"Bearer {token}"})
    shared_secret_token = jwt.encode(claims(clinic_id=clinic), goals_settings.jwt_secret, algorithm="HS256")
    refused = client.get("/v1/goals", headers={"Authorization": f"Bearer {shared_secret_token}"})

    assert created.status_code == 201 and created.json["clinician_id"] == "dr-lee"
    assert refused.status_code == 401 and refused.json["code"] == 401
