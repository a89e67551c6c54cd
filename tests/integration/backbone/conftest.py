"""Fixtures of the backbone tests: a private database and topic prefix per test, events."""
from __future__ import annotations

import pytest
from backbone_kit import Events

from shared.store import indexes, mongo
from shared.messaging.topics import EVENT_TOPICS, ensure_topics
from shared.store.eventstore import INDEXES, EventStore
from tests.support import delete_topics


@pytest.fixture
def settings(settings_for):
    """Settings with a private database and event topics (3 partitions); both are removed afterwards."""
    settings = settings_for("backbone")
    ensure_topics(settings, EVENT_TOPICS, partitions=3)
    yield settings
    mongo.connect(settings).drop_database(settings.database_name)
    delete_topics(settings)


@pytest.fixture
def db(settings):
    return mongo.database(settings)


@pytest.fixture
def events():
    return Events()


@pytest.fixture
def store(db):
    """The event store on the test's database."""
    store = EventStore(db)
    indexes.ensure(db, INDEXES)
    return store
