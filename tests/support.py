"""Helpers for integration tests: publish events, run a projection worker in a thread, wait."""
from __future__ import annotations

import contextlib
import fcntl
import shutil
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from kafka import TopicPartition
from kafka.admin import KafkaAdminClient

from deploy import infra as launcher

from shared.messaging import consumer, kafka_clients

from shared.store import mongo
from shared.runtime.config import Settings
from shared.contract.envelope import CloudEvent
from shared.contract.registry import event_type
from shared.messaging.topics import EVENT_TOPICS, dead_letter_topic, ensure_topics
from shared.runtime.lifecycle import StopFlag
from shared.store.projection import Projection
from shared.runtime.worker import build_applier


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def private_servers(name: str):
    """Hold the lock of the native launcher's profile `name` (servers a test stops and starts: one run at a time);
    fail without java (the launcher cannot run)."""
    if shutil.which("java") is None:
        pytest.fail("no java on PATH: the native launcher (deploy/infra.py) cannot run")
    launcher.INFRA.mkdir(parents=True, exist_ok=True)
    with open(launcher.INFRA / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def wait_until(predicate, timeout: float = 30.0, interval: float = 0.2, message: str = "condition"):
    """Poll `predicate` until it returns a truthy value; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


def publish(settings: Settings, events: list[CloudEvent], raw: list[tuple[str, bytes]] = ()) -> None:
    """Send CloudEvents to their topics (key = partition key), plus raw (topic, bytes) records."""
    producer = kafka_clients.producer(settings)
    try:
        for event in events:
            producer.send(settings.topic(event_type(event.type).topic), key=event.partitionkey.encode(),
                          value=event.to_json(), headers=[("ce_type", event.type.encode()), ("ce_id", event.id.encode())])
        for topic, value in raw:
            producer.send(settings.topic(topic), key=b"raw", value=value)
        producer.flush(timeout=30)
    finally:
        producer.close()


@contextlib.contextmanager
def running_projection(projection: Projection, settings: Settings, db=None):
    """Run the projection's consumer loop in a thread until the block ends; yields the database."""
    db = db if db is not None else mongo.database(settings)
    with consumer_running(projection, settings, db):
        yield db


@contextlib.contextmanager
def consumer_running(projection: Projection, settings: Settings, db, wrap=None, stop=None, target=consumer.run,
                     backoff: float | None = None, **consumer_options):
    """The projection's consumer loop (`target`, consumer.run) in a thread; yields the thread, stops it after.

    `wrap(applier)` may stand in for the applier, `stop` for the stop flag; the consumer
    options override kafka_clients.consumer's (e.g. max_poll_records).
    """
    ensure_topics(settings, EVENT_TOPICS + (dead_letter_topic(projection.name),), partitions=3)
    producer = kafka_clients.producer(settings)
    applier = build_applier(projection, settings, db, producer)
    applier.backoff = applier.backoff if backoff is None else backoff
    stop = stop or StopFlag()
    kafka_consumer = kafka_clients.consumer(settings, settings.topic(projection.name), **consumer_options)
    topics = [settings.topic(name) for name in projection.topics]
    thread = threading.Thread(target=target, daemon=True,
                              args=(projection, kafka_consumer, wrap(applier) if wrap else applier, stop, topics))
    thread.start()
    try:
        yield thread
    finally:
        stop.set()
        thread.join(timeout=30)
        producer.close()


def lag(settings: Settings, projection: Projection) -> int:
    """Records on the projection's topics that its consumer group has not committed yet."""
    group = settings.topic(projection.name)
    reader = kafka_clients.consumer(settings, None)
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    try:
        partitions = [TopicPartition(topic, p) for topic in map(settings.topic, projection.topics)
                      for p in reader.partitions_for_topic(topic) or ()]
        committed = admin.list_group_offsets(group).get(group, {})
        return sum(end - max(getattr(committed.get(tp), "offset", 0), 0)
                   for tp, end in reader.end_offsets(partitions).items())
    finally:
        reader.close()
        admin.close()


def wait_caught_up(settings: Settings, projection: Projection, timeout: float = 60) -> None:
    """Wait until the projection's consumer has written and committed everything published so far."""
    wait_until(lambda: lag(settings, projection) == 0, timeout=timeout, interval=0.3,
               message=f"{projection.name} to catch up")


def read_topic(settings: Settings, topic: str, expected: int, timeout: float = 30.0) -> list:
    """Read at least `expected` records of the (logical) topic from the beginning."""
    reader = kafka_clients.consumer(settings, None)
    reader.subscribe([settings.topic(topic)])
    records: list = []
    deadline = time.monotonic() + timeout
    try:
        while len(records) < expected and time.monotonic() < deadline:
            for batch in reader.poll(timeout_ms=500).values():
                records.extend(batch)
    finally:
        reader.close()
    return records


def delete_topics(settings: Settings) -> None:
    """Delete every topic of the settings' private prefix (what a test created for itself)."""
    if not settings.topic_prefix:
        raise ValueError("refusing to delete topics: the settings have no private topic prefix")
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    try:
        mine = [name for name in admin.list_topics() if name.startswith(settings.topic_prefix)]
        if mine:
            admin.delete_topics(mine)
    finally:
        admin.close()


class LocalEndpoint:
    """An HTTP endpoint on 127.0.0.1 (a free port) for the webhook tests, in threads of its own while the block
    runs: each POST is answered with `respond(headers, raw body)`, a status (an empty body), or None to hang until
    the endpoint closes (a receiver that never answers)."""

    def __init__(self, respond):
        self.respond, self._closing = respond, threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True

    @property
    def port(self) -> int:
        return self._server.server_port

    def _handler(self):
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                status = endpoint.respond(self.headers, self.rfile.read(int(self.headers["Content-Length"])))
                if status is None:
                    endpoint._closing.wait()
                    return
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        return Handler

    def __enter__(self):
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._closing.set()
        self._server.shutdown()
        self._server.server_close()
