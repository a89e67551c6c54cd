"""Workers expose consumer lag, processed and failed counters; logs are JSON lines without event data."""
import io
import json
import logging
import socket
import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families
from backbone_kit import applied_count, consuming, counting_projection

from shared.messaging import kafka_clients, relay
from shared.runtime import metrics
from shared.messaging.topics import GOALS_EVENTS
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


def test_a_consumer_exposes_its_lag_and_processed_and_failed_counters(settings, db, events, scrape):
    sent = events.mix(clients=3, per_client=4)
    publish(settings, sent, raw=[(GOALS_EVENTS, b"not json")])
    projection = counting_projection()

    with consuming(projection, settings, db):
        wait_until(lambda: applied_count(db) >= len(sent), message="all applied")
        wait_until(lambda: f'events_failed_total{{group="{projection.name}",reason="undecodable"}} 1.0' in scrape(),
                   message="the dead letter counted")
        group = f'group="{projection.name}"'
        # the lag gauges follow the offsets committed after each batch's writes, a moment after them
        exposed = wait_until(lambda: caught_up(scrape(), group), message="every partition's lag at 0")

    assert f'events_processed_total{{{group},type="goal-created"}} 3.0' in exposed
    assert f'events_processed_total{{{group},type="session-logged"}} 3.0' in exposed
    lags = [line for line in exposed.splitlines() if line.startswith("consumer_lag{") and group in line]
    assert len(lags) == 3, "one gauge per partition"


def caught_up(exposed: str, group: str) -> str | None:
    """The scrape if it holds a lag gauge at 0 for each of the 3 partitions, else None."""
    lags = [line for line in exposed.splitlines() if line.startswith("consumer_lag{") and group in line]
    return exposed if len(lags) == 3 and all(line.endswith(" 0.0") for line in lags) else None


def test_the_relay_exposes_its_backlog_and_published_counter(settings, store, events, scrape, monkeypatch):
    monkeypatch.setattr(relay, "BATCH", 2)
    for c in range(3):
        store.append(f"goal-{c}", 0, [events.goal_created(f"client-{c}", f"goal-{c}")])
    producer = kafka_clients.producer(settings)
    before = scrape()

    relay.relay_once(store, producer, settings.topic)
    during = scrape()
    relay.relay_once(store, producer, settings.topic)
    producer.close()

    assert "outbox_unpublished_commits 1.0" in during
    assert "outbox_unpublished_commits 0.0" in scrape()
    assert sample(scrape(), "events_relayed_total") - sample(before, "events_relayed_total") == 3


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
