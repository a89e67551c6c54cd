"""Fixtures of the reports integration tests: one private database and topic prefix per test module."""
from __future__ import annotations

import pytest
from reports_kit import private_settings, remove

from shared.store import mongo
@pytest.fixture(scope="module")
def reports_settings(base_env):
    settings = private_settings()
    yield settings
    remove(settings)


@pytest.fixture(scope="module")
def reports_db(reports_settings):
    return mongo.database(reports_settings)
