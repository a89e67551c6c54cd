"""Workers expose consumer lag, processed and failed counters; logs are JSON lines without event data."""
import io
import json
import logging
import socket
import threading
import urllib.request
from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families
from backbone_kit import applied_count, consuming, counting_projection

from shared.messaging import kafka_clients, relay
from shared.messaging.lag import LagMonitor
from shared.domain.time import instant
from shared.runtime import metrics
from shared.messaging.topics import GOALS_EVENTS
from shared.runtime.lifecycle import StopFlag
from shared.runtime.jsonlog import JsonFormatter
from tests.support import publish, wait_until

pytestmark = pytest.mark.integration


@pytest.fixture
def scrape():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = metrics.serve(port)
    yield lambda: urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    server.shutdown()


@pytest.fixture
def json_logs():
    """Everything logged meanwhile, formatted as the workers format it."""
    stream, root = io.StringIO(), logging.getLogger()
    handler, level = logging.StreamHandler(stream), root.level
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def sample(exposed: str, name: str) -> float:
    return next(s.value for family in text_string_to_metric_families(exposed) for s in family.samples if s.name == name)


def invalid_copy(event) -> bytes:
    raw = event.to_dict()
    raw["data"]["priority"] = "PERSONAL-not-a-priority"
    return json.dumps(raw).encode()


def test_a_consumer_exposes_its_processed_and_failed_counters(settings, db, events, scrape):
    sent = events.mix(clients=3, per_client=4)
    publish(settings, sent, raw=[(GOALS_EVENTS, b"not json")])
    projection = counting_projection()

    with consuming(projection, settings, db):
        wait_until(lambda: applied_count(db) >= len(sent), message="all applied")
        wait_until(lambda: f'events_failed_total{{group="{projection.name}",reason="undecodable"}} 1.0' in scrape(),
                   message="the dead letter counted")
        exposed = scrape()

    group = f'group="{projection.name}"'
    assert f'events_processed_total{{{group},type="goal-created"}} 3.0' in exposed
    assert f'events_processed_total{{{group},type="session-logged"}} 3.0' in exposed


def lags_of(exposed: str, group: str) -> list[float]:
    """The lag gauges of the group in a scrape, one per partition."""
    return [s.value for family in text_string_to_metric_families(exposed) for s in family.samples
            if s.name == "consumer_lag" and s.labels["group"] == group]


def test_the_lag_is_exposed_from_the_start_before_any_consumer_ran(settings, events, scrape):
    publish(settings, events.mix(clients=3, per_client=4))
    projection, stop = counting_projection(), StopFlag()

    LagMonitor(settings, projection).start(stop, interval=0.2)
    try:  # a scrape may land between the gauges of one measurement: wait for all three
        lags = wait_until(lambda: found if len(found := lags_of(scrape(), projection.name)) == 3 else None,
                          message="the lag gauges of the three partitions")
    finally:
        stop.set()

    assert sum(lags) == 12


def test_the_lag_counts_the_records_of_a_batch_being_applied_until_they_are_committed(settings, db, events):
    sent = events.mix(clients=3, per_client=4)
    publish(settings, sent)
    inside, release = threading.Event(), threading.Event()

    def blocks(event, ctx):
        inside.set()
        release.wait(30)
        return []

    projection = counting_projection(goal_created=blocks)
    monitor = LagMonitor(settings, projection)
    with consuming(projection, settings, db):
        assert inside.wait(30), "a batch started"
        during = sum(monitor.measure().values())
        release.set()
        wait_until(lambda: sum(monitor.measure().values()) == 0, message="the lag back to 0")

    assert during == len(sent)


def test_the_relay_exposes_its_backlog_and_published_counter(settings, store, events, scrape, monkeypatch):
    monkeypatch.setattr(relay, "BATCH", 2)
    created = [events.goal_created(f"client-{c}", f"goal-{c}") for c in range(3)]
    for event in created:
        store.append(event.subject, 0, [event])
    producer = kafka_clients.producer(settings)
    before = scrape()

    def a_minute_later():
        return instant(created[0].time) + timedelta(seconds=60)

    relay.report_backlog(store, now=a_minute_later)
    waiting = scrape()
    relay.relay_once(store, producer, settings.topic)
    relay.relay_once(store, producer, settings.topic)
    producer.close()
    relay.report_backlog(store, now=a_minute_later)

    assert (sample(waiting, "outbox_unpublished_commits"), sample(waiting, "outbox_oldest_unpublished_seconds")) == (
        3, 60)
    assert (sample(scrape(), "outbox_unpublished_commits"), sample(scrape(), "outbox_oldest_unpublished_seconds")) == (
        0, 0)
    assert sample(scrape(), "events_relayed_total") - sample(before, "events_relayed_total") == 3


def test_the_relay_reports_its_backlog_while_it_publishes_nothing(store, events, scrape):
    store.append("goal-1", 0, [events.goal_created("client-1", "goal-1")])
    stop = StopFlag()

    def reported():
        exposed = scrape()
        return exposed if sample(exposed, "outbox_unpublished_commits") == 1 else None

    relay.watch_backlog(store, stop, interval=0.1)
    try:
        exposed = wait_until(reported, message="the backlog reported")
    finally:
        stop.set()

    assert sample(exposed, "outbox_oldest_unpublished_seconds") >= 0


def test_worker_logs_are_json_lines_that_carry_no_event_data(settings, db, events, json_logs):
    poison = events.goal_created("client-1")
    publish(settings, [events.goal_created("client-2")], raw=[(GOALS_EVENTS, invalid_copy(poison))])

    def fails(event, ctx):
        raise RuntimeError(f"cannot project {event.data['title']}")  # an error message quoting personal data

    with consuming(counting_projection(goal_created=fails), settings, db):
        wait_until(lambda: json_logs.getvalue().count("event dead-lettered") >= 2, message="both dead-lettered")

    lines = [json.loads(line) for line in json_logs.getvalue().splitlines()]
    assert {"time", "level", "logger", "message"} <= set(lines[0])
    assert any(line["message"] == "event dead-lettered" and line["reason"] == "contract" for line in lines)
    assert "PERSONAL" not in json_logs.getvalue()
    assert poison.id not in json_logs.getvalue()
