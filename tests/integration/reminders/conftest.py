"""Fixtures of the reminders integration tests: private settings, database and topics per test."""
from __future__ import annotations

import uuid
from dataclasses import asdict

import pytest
from kafka.admin import KafkaAdminClient
from reminders_kit import Events

from services.reminders.settings import RemindersSettings
from shared.store import mongo
from shared.web.outbound import LOOPBACK, networks


@pytest.fixture
def settings(settings_for):
    """The reminders service's settings with a private database and topic prefix, removed afterwards; webhooks
    may reach the tests' receivers on loopback."""
    settings = RemindersSettings(**asdict(settings_for("reminders")), allowed_networks=networks(LOOPBACK))
    yield settings
    mongo.connect(settings).drop_database(settings.database_name)
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    try:
        admin.delete_topics([t for t in admin.list_topics() if t.startswith(settings.topic_prefix)])
    finally:
        admin.close()


@pytest.fixture
def db(settings):
    return mongo.database(settings)


@pytest.fixture
def clinic():
    return f"clinic-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def events(clinic):
    return Events(clinic)
