"""Helpers of the backbone tests: events, a counting projection, a consumer loop in a thread.

The counting projection makes every mistake of the runtime visible: ``$inc``
counters double on a double apply, and ``seen`` lists each applied event once,
in the order applied.
"""
from __future__ import annotations

import contextlib
import shutil
import uuid
from collections import Counter
from itertools import count

import pytest
from kafka.admin import KafkaAdminClient
from pymongo import MongoClient

from deploy import infra as launcher
from shared.messaging import consumer
from shared.contract.envelope import CloudEvent
from shared.messaging.topics import GOALS_EVENTS
from shared.store.projection import Projection, Upsert
from tests.support import consumer_running, private_servers

SOURCE = "/therapy-goals/tests"
COUNTED_TYPES = ("goal-created", "milestone-reached", "session-logged")


class Events:
    """Valid events of a few clients, numbered per subject like the event store numbers them."""

    def __init__(self, clinic: str = "clinic-test"):
        self.clinic = clinic
        self.sequences: Counter = Counter()
        self.ids = count(1)

    def _event(self, type_: str, subject: str, client: str, data: dict) -> CloudEvent:
        self.sequences[subject] += 1
        return CloudEvent(type=type_, source=SOURCE, subject=subject, schemaversion=1 if type_ != "goal-created"
                          else 2, clinicid=self.clinic, sequence=self.sequences[subject], partitionkey=client,
                          data=data)

    def goal_created(self, client: str, goal: str | None = None) -> CloudEvent:
        goal = goal or f"goal-{next(self.ids)}"
        return self._event("goal-created", goal, client, {
            "goal_id": goal, "client_id": client, "clinician_id": "clinician-1", "title": "PERSONAL-TITLE",
            "description": None, "category": "anxiety", "priority": "high", "measure": None,
            "target_date": "2026-01-31", "lifecycle_status": "active", "achievement_status": "in-progress",
            "milestones": [{"milestone_id": "ms-1", "title": "PERSONAL-MILESTONE", "due_date": None}],
            "gas_levels": None, "practice_rrule": None})

    def milestone_reached(self, client: str, goal: str) -> CloudEvent:
        return self._event("milestone-reached", goal, client, {
            "goal_id": goal, "client_id": client, "milestone_id": "ms-1", "reached_at": "2025-05-01T10:00:00+00:00"})

    def session_logged(self, client: str, session: str | None = None) -> CloudEvent:
        session = session or f"session-{next(self.ids)}"
        return self._event("session-logged", session, client, {
            "session_id": session, "client_id": client, "clinician_id": "clinician-1",
            "occurred_at": "2025-05-01T09:00:00+00:00", "duration_minutes": 50, "attendance": "attended",
            "modality": "video", "goals": [], "measures": {"phq9": None, "phq9_item9": None, "gad7": None},
            "next_session_at": None})

    def mix(self, clients: int, per_client: int) -> list[CloudEvent]:
        """For each client: a goal, then alternately sessions and milestones of that goal."""
        events = []
        for c in range(clients):
            client = f"client-{c}"
            created = self.goal_created(client)
            events.append(created)
            for n in range(per_client - 1):
                events.append(self.session_logged(client) if n % 2 else self.milestone_reached(client, created.subject))
        return events


def counting_handler(calls: Counter):
    def handle(event: CloudEvent, ctx):
        calls[event.id] += 1
        return [Upsert("per_client", event.partitionkey,
                       {"$inc": {"events": 1, f"types.{event.type}": 1},
                        "$push": {"seen": f"{event.subject}#{event.sequence}"}},
                       on_insert={"clinic": event.clinicid})]
    return handle


def counting_projection(name: str = None, calls: Counter | None = None, **handlers) -> Projection:
    """Counts applied events per client; `handlers` replace the counting handler of some types."""
    calls = calls if calls is not None else Counter()
    counting = {event_type: counting_handler(calls) for event_type in COUNTED_TYPES}
    return Projection(name or f"counting-{uuid.uuid4().hex[:6]}", (GOALS_EVENTS,), ("per_client",),
                      {**counting, **{key.replace("_", "-"): value for key, value in handlers.items()}})


def per_client(db) -> dict:
    """The projection as {client: (events, seen)}, the guard's bookkeeping left out."""
    return {doc["_id"]: (doc["events"], doc["seen"], doc.get("types")) for doc in db["per_client"].find()}


def consuming(projection: Projection, settings, db, wrap=None, stop=None, **consumer_options):
    """The consumer loop in a thread (tests.support.consumer_running), retrying fast; yields the thread.

    An exception ends the thread quietly, as a crash ends a worker process.
    """
    return consumer_running(projection, settings, db, wrap=wrap, stop=stop, target=_run_quietly, backoff=0.05,
                            **consumer_options)


def _run_quietly(*args):
    """consumer.run; an exception ends the thread like a crash ends a worker process."""
    try:
        consumer.run(*args)
    except Exception:  # noqa: BLE001 - the test looks at what was committed and applied
        pass


def applied_count(db) -> int:
    return sum(doc.get("events", 0) for doc in db["per_client"].find({}, {"events": 1}))


def expected_per_client(events: list[CloudEvent]) -> dict:
    """What per_client(db) must be once every event was applied exactly once, in order."""
    expected: dict = {}
    for event in events:
        total, seen, types = expected.setdefault(event.partitionkey, (0, [], Counter()))
        types[event.type] += 1
        expected[event.partitionkey] = (total + 1, seen + [f"{event.subject}#{event.sequence}"], types)
    return {client: (total, seen, dict(types)) for client, (total, seen, types) in expected.items()}


def committed_offsets(settings, group: str) -> int:
    """The sum of the group's committed offsets (= records it has finished with)."""
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    try:
        offsets = admin.list_group_offsets(settings.topic(group))[settings.topic(group)]
        return sum(meta.offset for meta in offsets.values() if meta.offset >= 0)
    finally:
        admin.close()


@contextlib.contextmanager
def watched_database(settings, listener):
    """The test's database through a client of its own that reports its commands to `listener`."""
    client = MongoClient(settings.mongodb_uri, event_listeners=[listener], tz_aware=True)
    try:
        yield client[settings.database_name]
    finally:
        client.close()


@contextlib.contextmanager
def private_kafka(profile: launcher.Profile):
    """The profile's Kafka nodes for one test module alone: started fresh, removed afterwards.

    A file lock keeps two runs from sharing them; a launcher failure fails the test.
    """
    with private_servers(profile.name):
        try:
            launcher.install()
            launcher.stop_kafka(profile)
            shutil.rmtree(profile.home, ignore_errors=True)
            launcher.start_kafka(profile)
            yield profile
        except SystemExit as error:  # the launcher reports failures that way
            pytest.fail(str(error))
        finally:
            launcher.stop_kafka(profile)
            shutil.rmtree(profile.home, ignore_errors=True)
