"""Fixtures of the partners integration tests: private settings, database and topics per test module."""
from __future__ import annotations

import uuid
import pytest
from partners_kit import now

from services.partners.app import create_app
from services.partners.settings import PartnersSettings
from shared.store import mongo
from shared.web.auth import mint_token
from tests.support import delete_topics

@pytest.fixture(scope="module")
def settings(base_env):
    unique = uuid.uuid4().hex[:10]
    settings = PartnersSettings(mongodb_db_prefix=f"t{unique}", topic_prefix=f"t{unique}-",
                                jwt_secret=f"partners-tests-secret-{unique}-0123456789",
                                pseudonym_secret=f"partners-tests-pseudonyms-{unique}")
    yield settings
    mongo.connect(settings).drop_database(settings.database_name)
    delete_topics(settings)


@pytest.fixture(scope="module")
def db(settings):
    return mongo.database(settings)


@pytest.fixture(scope="module")
def client(settings, db):
    return create_app(settings, db=db, clock=now).test_client()


@pytest.fixture
def clinic():
    return f"clinic-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def auth(settings):
    def headers(clinic_id: str, role: str = "clinic_admin", sub: str = "admin-1") -> dict:
        return {"Authorization": "Bearer " + mint_token(settings.jwt_secret, sub=sub, clinic_id=clinic_id, role=role)}
    return headers


@pytest.fixture(scope="module")
def subscribe(client, auth):
    """POST a subscription as the clinic's admin; its answer's body."""
    def make(clinic_id: str, partner_id: str = "ehr-1", **fields) -> dict:
        body = {"partner_id": partner_id, "event_types": ["goal-created", "milestone-reached"], **fields}
        response = client.post("/v1/subscriptions", json=body, headers=auth(clinic_id))
        assert response.status_code == 201, response.json
        return response.json
    return make
