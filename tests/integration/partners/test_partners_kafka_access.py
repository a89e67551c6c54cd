"""A partner's Kafka access on the real broker: its SCRAM user reads its own topic over the partners listener and
nothing else (services/partners/kafka_access.py; the listener and the authorizer: deploy/infra.py)."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import (ACLFilter, ACLOperation, ACLPermissionType, ACLResourcePatternType, KafkaAdminClient,
                         ResourcePatternFilter, ResourceType)
from kafka.errors import GroupAuthorizationFailedError, KafkaTimeoutError, TopicAuthorizationFailedError

from services.partners import kafka_access
from shared.messaging import kafka_clients
from shared.messaging.topics import EVENT_TOPICS, GOALS_EVENTS, REMINDERS_EVENTS, dead_letter_topic, ensure_topics
from shared.runtime.config import Settings
from shared.store import mongo
from tests.support import delete_topics, wait_until

DEAD_LETTERS = dead_letter_topic("reports-consumer")
pytestmark = pytest.mark.integration
REFUSED_FAST_MS = 2_000  # how long a client with a wrong password tries before giving up


@pytest.fixture(scope="module")
def settings(base_env):
    """The partners service's settings on a private database and topic prefix, with the internal topics made."""
    if "PARTNERS_KAFKA_BOOTSTRAP" not in base_env:
        pytest.skip("these servers have no partners listener (PARTNERS_KAFKA_BOOTSTRAP; deploy/infra.py starts one)")
    run = uuid.uuid4().hex[:10]
    settings = Settings(service="partners", kafka_bootstrap_servers=base_env["KAFKA_BOOTSTRAP_SERVERS"],
                        mongodb_uri=base_env["MONGODB_URI"], partners_kafka_bootstrap=base_env["PARTNERS_KAFKA_BOOTSTRAP"],
                        mongodb_db_prefix=f"t{run}", topic_prefix=f"t{run}-")
    ensure_topics(settings, (*EVENT_TOPICS, DEAD_LETTERS))
    yield settings
    mongo.connect(settings).drop_database(settings.database_name)
    delete_topics(settings)


def new_subscription(settings: Settings) -> str:
    """A subscription document of the shared design, without Kafka access yet."""
    subscription_id = str(uuid.uuid4())
    mongo.database(settings)["subscriptions"].insert_one(
        {"_id": subscription_id, "clinic_id": "clinic-1", "partner_id": "partner-a", "event_types": ["goal-created"],
         "filters": {"categories": []}, "url": None, "status": "active", "deleted_at": None, "secrets": [],
         "version": 1, "seq": 0, "kafka": None, "cursors": {"webhook": 0, "kafka": 0}})
    return subscription_id


def partner_client(kind, settings: Settings, username: str, password: str, **options):
    """A kafka-python client of the partner's, on the partners listener."""
    return kind(bootstrap_servers=settings.partners_kafka_bootstrap, security_protocol="SASL_PLAINTEXT",
                sasl_mechanism="SCRAM-SHA-512", sasl_plain_username=username, sasl_plain_password=password,
                **options)


def partner_consumer(settings: Settings, credentials: kafka_access.Credentials, **options) -> KafkaConsumer:
    return partner_client(KafkaConsumer, settings, credentials.username, credentials.password,
                          auto_offset_reset="earliest", enable_auto_commit=False, **options)


def end_offsets(settings: Settings, credentials: kafka_access.Credentials, topic: str) -> dict:
    """The topic's end offsets, asked by a new client of the partner's (kafka-python raises a topic authorisation
    failure when it is the only topic of a metadata request, and only logs it otherwise)."""
    consumer = partner_consumer(settings, credentials)
    try:
        return consumer.end_offsets([TopicPartition(topic, 0)])
    finally:
        consumer.close()


def readable(settings: Settings, credentials: kafka_access.Credentials, topic: str) -> bool:
    """Whether the partner may read the topic now (the brokers apply new ACLs and credentials a moment later)."""
    try:
        return bool(end_offsets(settings, credentials, topic))
    except TopicAuthorizationFailedError:
        return False


def refused(consumer: KafkaConsumer, topic: str) -> bool:
    """Whether the (connected) consumer is refused the topic, its only one."""
    try:
        consumer.end_offsets([TopicPartition(topic, 0)])
    except TopicAuthorizationFailedError:
        return True
    return False


@pytest.fixture(scope="module")
def partner(settings):
    """A subscription's credentials, issued with the command."""
    subscription_id = new_subscription(settings)
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
           "MONGODB_URI": settings.mongodb_uri, "PARTNERS_KAFKA_BOOTSTRAP": settings.partners_kafka_bootstrap,
           "MONGODB_DB_PREFIX": settings.mongodb_db_prefix, "KAFKA_TOPIC_PREFIX": settings.topic_prefix}
    printed = subprocess.run([sys.executable, "-m", "services.partners.kafka_access", "issue", subscription_id],
                             env=env, capture_output=True, text=True, timeout=120, check=True).stdout
    lines = dict(line.split(": ", 1) for line in printed.splitlines())
    credentials = kafka_access.Credentials(lines["bootstrap.servers"], lines["username"], lines["password"],
                                           lines["topic"], lines["group.id prefix"])
    assert (lines["security.protocol"], lines["sasl.mechanism"]) == ("SASL_PLAINTEXT", "SCRAM-SHA-512")
    return subscription_id, credentials


def test_the_command_prints_the_access_and_records_it_on_the_subscription(settings, partner):
    subscription_id, credentials = partner
    assert credentials.bootstrap_servers == settings.partners_kafka_bootstrap
    assert credentials.username == credentials.group_prefix == f"partner-{subscription_id}"
    assert credentials.topic == settings.topic(f"partner.{subscription_id}") and len(credentials.password) >= 32
    stored = mongo.database(settings)["subscriptions"].find_one({"_id": subscription_id})
    assert stored["kafka"] == {"topic": f"partner.{subscription_id}", "principal": f"User:partner-{subscription_id}"}
    assert stored["version"] == 2


def test_a_partner_reads_its_own_topic_in_a_group_of_its_prefix(settings, partner):
    _, credentials = partner
    producer = kafka_clients.producer(settings)
    producer.send(credentials.topic, key=b"psn_one", value=b'{"type": "goal-created"}').get(timeout=30)
    producer.close()
    reader = partner_consumer(settings, credentials, group_id=f"{credentials.group_prefix}-reader")
    try:
        reader.subscribe([credentials.topic])
        records = wait_until(lambda: [record for batch in reader.poll(timeout_ms=500).values() for record in batch],
                             message="the partner's record")
        assert [(record.key, record.value) for record in records] == [(b"psn_one", b'{"type": "goal-created"}')]
        reader.commit()  # the group's offsets are the partner's too
    finally:
        reader.close()


def test_any_other_topic_is_refused_with_a_topic_authorisation_failure(settings, partner):
    _, credentials = partner
    other = kafka_access.issue(settings, new_subscription(settings))
    wait_until(lambda: readable(settings, credentials, credentials.topic), message="its own topic")
    for topic in (other.topic, settings.topic(GOALS_EVENTS), settings.topic(REMINDERS_EVENTS),
                  settings.topic(DEAD_LETTERS), "__consumer_offsets"):
        with pytest.raises(TopicAuthorizationFailedError):
            end_offsets(settings, credentials, topic)


def test_a_partner_may_neither_write_its_topic_nor_use_another_group(settings, partner):
    _, credentials = partner
    producer = partner_client(KafkaProducer, settings, credentials.username, credentials.password, max_block_ms=5_000,
                              enable_idempotence=False)  # an idempotent producer would be refused earlier (cluster)
    try:
        with pytest.raises(TopicAuthorizationFailedError):
            producer.send(credentials.topic, b"forged").get(timeout=10)
    finally:
        producer.close(timeout=1)
    stranger = partner_consumer(settings, credentials, group_id="reports-consumer")
    try:
        stranger.subscribe([credentials.topic])
        with pytest.raises(GroupAuthorizationFailedError):
            stranger.poll(timeout_ms=5_000)
    finally:
        stranger.close()


def test_a_wrong_password_is_refused(settings, partner):
    _, credentials = partner
    # the broker answers SASL_AUTHENTICATION_FAILED and closes the connection; kafka-python 3.0.12 reports
    # only that it could not connect (with the right password the same client connects: the test above)
    with pytest.raises(KafkaTimeoutError):
        partner_client(KafkaConsumer, settings, credentials.username, credentials.password + "x",
                       bootstrap_timeout_ms=REFUSED_FAST_MS)


def test_issuing_again_rotates_the_password(settings):
    subscription_id = new_subscription(settings)
    first = kafka_access.issue(settings, subscription_id)
    second = kafka_access.issue(settings, subscription_id)
    wait_until(lambda: readable(settings, second, second.topic), message="its topic with the new password")
    with pytest.raises(KafkaTimeoutError):
        partner_consumer(settings, first, bootstrap_timeout_ms=REFUSED_FAST_MS)


def test_revoke_takes_the_access_away_also_from_a_connected_partner(settings):
    subscription_id = new_subscription(settings)
    credentials = kafka_access.issue(settings, subscription_id)
    consumer = partner_consumer(settings, credentials)
    try:
        wait_until(lambda: not refused(consumer, credentials.topic), message="the partner's own topic")
        kafka_access.revoke(settings, subscription_id)
        wait_until(lambda: refused(consumer, credentials.topic), message="the connected partner refused")
    finally:
        consumer.close()
    with pytest.raises(KafkaTimeoutError):
        partner_consumer(settings, credentials, bootstrap_timeout_ms=REFUSED_FAST_MS)
    with KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers) as admin:
        everything = ResourcePatternFilter(ResourceType.ANY, None, ACLResourcePatternType.ANY)
        acls, _ = admin.describe_acls(ACLFilter(f"User:{credentials.username}", None, ACLOperation.ANY,
                                                ACLPermissionType.ANY, everything))
    assert acls == []
    assert mongo.database(settings)["subscriptions"].find_one({"_id": subscription_id})["kafka"] is None
    kafka_access.revoke(settings, subscription_id)  # again: nothing left to remove, no error


def test_an_unknown_subscription_gets_no_access(settings):
    with pytest.raises(kafka_access.UnknownSubscription):
        kafka_access.issue(settings, str(uuid.uuid4()))
