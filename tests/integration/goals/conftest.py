"""The goals API on a private database of the real document store, driven by Flask's test client.

One app per test module; each test works in a clinic of its own, so tests never see
each other's goals.
"""
from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from services.goals.app import create_app
from services.goals.settings import GoalsSettings
from shared.messaging import kafka_clients
from shared.messaging.relay import relay_once
from shared.messaging.topics import ensure_topics
from shared.store import mongo
from shared.store.eventstore import EventStore
from shared.web.auth import mint_token
from tests.support import delete_topics

SECRET = "goals-api-test-secret-" + "x" * 48  # HS256 wants 32 bytes or more
SOON = (date.today() + timedelta(days=30)).isoformat()
LATER = (date.today() + timedelta(days=90)).isoformat()


@pytest.fixture(scope="module")
def goals_settings(base_env):
    return GoalsSettings(mongodb_db_prefix=f"t{uuid.uuid4().hex[:10]}", jwt_secret=SECRET)


@pytest.fixture(scope="module")
def goals_db(goals_settings):
    db = mongo.database(goals_settings)
    yield db
    db.client.drop_database(db.name)
    db.client.close()


@pytest.fixture(scope="module")
def goals_app(goals_settings, goals_db):
    return create_app(goals_settings, db=goals_db)


@pytest.fixture
def client(goals_app):
    return goals_app.test_client()


@pytest.fixture
def clinic():
    return f"clinic-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def auth(clinic):
    """auth(role=..., clinic_id=..., sub=...) -> request headers with a bearer token."""
    def headers(role: str = "clinician", clinic_id: str | None = None, sub: str = "clinician-1", **extra) -> dict:
        token = mint_token(SECRET, sub=sub, clinic_id=clinic_id or clinic, role=role)
        return {"Authorization": f"Bearer {token}", **extra}
    return headers


def _goal_body(**overrides) -> dict:
    body = {"client_id": "client-1", "title": "Speak up in team meetings", "category": "anxiety",
            "target_date": LATER, "milestones": [{"title": "Ask one question", "due_date": SOON},
                                                 {"title": "Give a short update", "due_date": SOON}]}
    return {**body, **overrides}


def _session_body(**overrides) -> dict:
    body = {"client_id": "client-1", "occurred_at": "2025-03-10T10:00:00+01:00", "duration_minutes": 50,
            "attendance": "attended", "modality": "video"}
    return {**body, **overrides}


@pytest.fixture
def goal_body():
    """goal_body(**fields) -> a valid POST /v1/goals body with two milestones."""
    return _goal_body


@pytest.fixture
def session_body():
    """session_body(**fields) -> a valid POST /v1/sessions body (attended, no ratings)."""
    return _session_body


@pytest.fixture
def new_goal(client, auth):
    """new_goal(**fields) -> the created goal's JSON (in the test's clinic)."""
    def create(**overrides) -> dict:
        response = client.post("/v1/goals", json=_goal_body(**overrides), headers=auth())
        assert response.status_code == 201, response.json
        return response.json
    return create


@pytest.fixture
def relayed(goals_settings):
    """A goals app on a database and topics of its own, and a relay round that publishes what it stored."""
    unique = uuid.uuid4().hex[:10]
    settings = GoalsSettings(mongodb_db_prefix=f"t{unique}", topic_prefix=f"t{unique}-",
                             jwt_secret=goals_settings.jwt_secret)
    ensure_topics(settings, partitions=3)
    db, producer = mongo.database(settings), kafka_clients.producer(settings)
    yield settings, create_app(settings, db=db).test_client(), lambda: relay_once(EventStore(db), producer,
                                                                                   settings.topic)
    producer.close()
    db.client.drop_database(db.name)
    delete_topics(settings)
