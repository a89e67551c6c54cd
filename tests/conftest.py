"""Shared fixtures. Unit tests need none of these; integration and e2e tests use real servers."""
from __future__ import annotations

import uuid

import pytest

from shared.config import Settings
from tests import infra


@pytest.fixture(scope="session")
def servers():
    with infra.servers() as found:
        yield found


@pytest.fixture(scope="session")
def base_env(servers, monkeypatch_session):
    for key in ("KAFKA_BOOTSTRAP_SERVERS", "MONGODB_URI"):
        monkeypatch_session.setenv(key, servers[key])
    return servers


@pytest.fixture(scope="session")
def monkeypatch_session():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.fixture
def unique():
    """A short unique suffix so tests never share databases, topics or groups."""
    return uuid.uuid4().hex[:10]


@pytest.fixture
def settings_for(base_env, unique):
    """Settings of a service whose database is private to this test."""
    def make(service: str, **overrides) -> Settings:
        return Settings(service=service, mongodb_db_prefix=f"t{unique}", **overrides)
    return make
