"""The query recorder sees the product code's queries on the real store (not the tests' own), and the
relay's idle poll is a query on the `published: false` range of a declared index."""
import pytest
from backbone_kit import watched_database

from shared.messaging import kafka_clients
from shared.store.eventstore import COMMITS, INDEXES, OUTBOX_ORDER, EventStore
from shared.messaging.topics import ensure_topics
from shared.store.indexes import Query
from shared.store.queryshapes import ShapeRecorder
from shared.messaging.relay import relay_once
from tests.index_check import serving

pytestmark = pytest.mark.integration


@pytest.fixture
def recorded(settings):
    """The test's database through a client whose queries a fresh recorder sees."""
    recorder = ShapeRecorder()
    with watched_database(settings, recorder) as db:
        yield db, recorder


def test_the_recorder_keeps_the_codes_query_shapes_and_ignores_the_tests(recorded, events):
    db, recorder = recorded
    store = EventStore(db)
    store.append("goal-1", 0, [events.goal_created("client-1", "goal-1")])

    store.load("goal-1")
    list(db[COMMITS].find({"clinic_id": "clinic-test"}))  # the test's own read

    assert recorder.shapes == {Query.of(COMMITS, equal=["stream_id"], sort=["first_version"])}


def test_an_idle_relay_poll_reads_the_unpublished_range_of_a_declared_index(recorded, settings, events):
    db, recorder = recorded
    store = EventStore(db)
    for n in range(1, 201):
        store.append(f"goal-{n}", 0, [events.goal_created(f"client-{n % 7}", f"goal-{n}")])
    ensure_topics(settings)
    producer = kafka_clients.producer(settings)
    try:
        assert relay_once(store, producer, settings.topic) == 200
        recorder.shapes.clear()
        assert relay_once(store, producer, settings.topic) == 0  # idle: everything is published
    finally:
        producer.close()

    [poll] = recorder.shapes
    assert poll.equal == {"published"} and serving(INDEXES, poll) == [("published", 1), *OUTBOX_ORDER]
    assert db[COMMITS].count_documents({"published": True}) == 200, "published commits left the false range"
