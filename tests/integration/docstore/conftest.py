"""Fixtures of the document-store tests: a private database per test on the store the suite runs on."""
from __future__ import annotations

import pytest
from pymongo import MongoClient


@pytest.fixture
def db(base_env, unique):
    client = MongoClient(base_env["MONGODB_URI"], tz_aware=True)
    yield client[f"t{unique}_store"]
    client.drop_database(f"t{unique}_store")
    client.close()
