"""The goals API while its store cannot be reached: 503 with Retry-After, never a 500."""
import pytest
from pymongo import MongoClient

from services.goals.app import create_app
from services.goals.settings import GoalsSettings
from shared.web.auth import mint_token

pytestmark = pytest.mark.integration

SECRET = "store-outage-test-secret-" + "x" * 32
NOWHERE = "mongodb://127.0.0.1:9/"  # nothing listens there


@pytest.fixture(scope="module")
def client():
    db = MongoClient(NOWHERE, serverSelectionTimeoutMS=300, connectTimeoutMS=300)["outage_goals"]
    return create_app(GoalsSettings(jwt_secret=SECRET), db=db).test_client()


@pytest.fixture
def auth():
    return {"Authorization": "Bearer " + mint_token(SECRET, sub="dr-lee", clinic_id="clinic-1", role="clinician")}


@pytest.mark.parametrize("method, path, body, headers", [
    ("get", "/v1/goals", None, {}),
    ("get", "/v1/goals/g-1", None, {}),
    ("post", "/v1/sessions", {"client_id": "c1", "occurred_at": "2025-03-10T10:00:00+01:00", "duration_minutes": 50,
                              "attendance": "attended", "modality": "video"}, {}),
    ("post", "/v1/goals/g-1/status", {"status": "on-hold"}, {"Idempotency-Key": "outage-1"}),
])
def test_a_store_outage_answers_503_json_with_retry_after(client, auth, method, path, body, headers):
    response = getattr(client, method)(path, json=body, headers={**auth, **headers})

    assert response.status_code == 503 and response.is_json, response.get_data(as_text=True)[:300]
    assert response.json["error_code"] == "store-unavailable" and int(response.headers["Retry-After"]) > 0
