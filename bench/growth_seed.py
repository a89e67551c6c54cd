"""The growth benchmark's data: goals decided by the domain, stored as commits, published to Kafka.

Each seeded goal is what the API would have stored for a goal set with two
milestones, both reached, and three sessions rating it: six commits of one
event each, and the goals service's listing documents. Deciding 100,000 goals
through the domain (validation, dataclass folds) would take longer than the
benchmark itself, so the domain decides a few templates (one per shape: the
category, the missed session, the month the goal was set) and each goal is a
template with its own ids stamped in; what is stored and sent is exactly what
the domain, the event store (`commit_document`) and the read model
(`goal_summary`, `session_document`) produced for the template.

The commits go to the store in bulk, stored as published, and their events to
the goals topic as the relay sends them (key, headers, JSON): the benchmark is
their relay. The partner topic is left out, as nothing in the platform reads it.
"""
from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from functools import lru_cache, reduce

from services.goals.store.read_model import GOAL_INDEX, SESSION_INDEX, goal_summary, session_document
from services.goals.store.streams import Streams
from services.goals.domain import goal as goals
from services.goals.domain.goal_creation import create_goal
from services.goals.domain import session as sessions
from shared.messaging import kafka_clients
from shared.messaging.topics import GOALS_EVENTS
from shared.store.eventstore import COMMITS, commit_document
from shared.messaging.relay import STRUCTURED

CLINICS = 10
GOALS_PER_CLIENT = 2
SESSIONS_PER_GOAL = 3
MILESTONES_PER_GOAL = 2
MONTHS = 11               # goals are set over the last eleven months: the clinic report (last twelve) counts them
SHAPES = 9 * MONTHS       # number % 9 picks the category and the missed session, number // 9 % 11 the month
CHUNK = 2_000             # goals per bulk insert
# Stand-ins stamped into a template; each is a valid id and no one is part of another.
GOAL, CLIENT, CLINIC, CLINICIAN, EVENT = "goalTMPL", "clientTMPL", "clinicTMPL", "clinicianTMPL", "eventTMPL"


class Population:
    """Who is who in the seeded data (deterministic, so any size's ids are known without a query)."""

    @staticmethod
    def client(goal_number: int) -> str:
        return f"client-{goal_number // GOALS_PER_CLIENT:07d}"

    @staticmethod
    def clinic(goal_number: int) -> str:
        return f"clinic-{(goal_number // GOALS_PER_CLIENT) % CLINICS:02d}"

    @staticmethod
    def clinician(goal_number: int) -> str:
        return f"clinician-{(goal_number // GOALS_PER_CLIENT) % (CLINICS * 5):02d}"

    @staticmethod
    def goal(goal_number: int) -> str:
        return f"goal-{goal_number:08d}"


def seed(goals_db, settings, first: int, last: int, now: datetime) -> int:
    """Store and publish goals number `first`..`last - 1` with their milestones and sessions; events sent."""
    producer = kafka_clients.producer(settings, acks=1, enable_idempotence=False, linger_ms=100,
                                      batch_size=1024 * 1024, max_request_size=8 * 1024 * 1024)
    topic, sent = settings.topic(GOALS_EVENTS), 0
    try:
        for start in range(first, last, CHUNK):
            bundles = [_stamped(number, now) for number in range(start, min(start + CHUNK, last))]
            committed_at = datetime.now(timezone.utc)
            goals_db[COMMITS].insert_many([{**commit, "committed_at": committed_at}
                                           for bundle in bundles for commit in bundle["commits"]], ordered=False)
            goals_db[GOAL_INDEX].insert_many([bundle["goal"] for bundle in bundles], ordered=False)
            goals_db[SESSION_INDEX].insert_many([doc for bundle in bundles for doc in bundle["sessions"]],
                                                ordered=False)
            for bundle in bundles:
                for commit in bundle["commits"]:
                    for event in commit["events"]:
                        producer.send(topic, key=event["partitionkey"].encode(),
                                      value=json.dumps(event, separators=(",", ":")).encode(),
                                      headers=[("content-type", STRUCTURED), ("ce_type", event["type"].encode()),
                                               ("ce_id", event["id"].encode())])
                        sent += 1
            producer.flush()
    finally:
        producer.close()
    return sent


def _stamped(number: int, now: datetime) -> dict:
    """Goal `number`'s documents: its shape's template with the goal's own ids."""
    text = _template(number % SHAPES, now)
    for stand_in, actual in ((CLINICIAN, Population.clinician(number)), (CLINIC, Population.clinic(number)),
                             (CLIENT, Population.client(number)), (GOAL, Population.goal(number))):
        text = text.replace(stand_in, actual)
    for k in range(1 + MILESTONES_PER_GOAL + SESSIONS_PER_GOAL):
        text = text.replace(f'"{EVENT}{k}"', f'"{uuid.uuid4()}"')
    return json.loads(text)


@lru_cache(maxsize=None)
def _template(shape: int, now: datetime) -> str:
    """The JSON of one goal of this shape, as the domain decides it, with stand-in ids."""
    at = now - timedelta(days=15 + 30 * (shape // 9), minutes=shape)
    today = (now - timedelta(hours=12)).date()
    milestone_ids = iter(f"{GOAL}-m{m}" for m in range(MILESTONES_PER_GOAL))
    created = create_goal(
        goal_id=GOAL, client_id=CLIENT, clinician_id=CLINICIAN, title="Take the bus to work",
        description="", category=("anxiety", "depression", "coping-skills")[shape % 3], priority="medium",
        target_date=today + timedelta(days=180), today=today,
        measure={"name": "SUDS", "baseline": 80, "target": 30, "unit": "points"},
        milestones=[{"title": f"Step {m}", "due_date": today + timedelta(weeks=m + 1)}
                    for m in range(MILESTONES_PER_GOAL)],
        new_id=lambda: next(milestone_ids))
    goal = goals.fold(created, created_at=at)
    commits = [_commit(GOAL, 0, created, at)]
    for m, milestone in enumerate(goal.milestones):
        reached = goals.reach_milestone(goal, milestone.milestone_id, at + timedelta(days=m + 1))
        goal = reduce(goals.apply, reached, goal)
        commits.append(_commit(GOAL, m + 1, reached, at + timedelta(days=m + 1)))
    session_docs = []
    for s in range(SESSIONS_PER_GOAL):
        missed = (shape + s) % 9 == 0
        logged = sessions.log_session(
            session_id=f"{GOAL}-s{s}", client_id=CLIENT, clinician_id=CLINICIAN,
            occurred_at=at + timedelta(days=7 * s), duration_minutes=50,
            attendance="no-show" if missed else "attended", modality="video",
            goals=[] if missed else [(GOAL, (shape + s) % 5 - 2)],
            phq9=None if missed else 20 - 4 * s, phq9_item9=None if missed else 0, gad7=None if missed else 15 - 3 * s)
        commits.append(_commit(f"{GOAL}-s{s}", 0, logged, at + timedelta(days=7 * s)))
        session_docs.append({"_id": f"{GOAL}-s{s}", **session_document(sessions.fold(logged)), "clinic_id": CLINIC,
                             "version": 1})
    for k, commit in enumerate(commits):
        commit["events"][0]["id"] = f"{EVENT}{k}"
        del commit["committed_at"]  # stamped at insert time
    summary = {"_id": GOAL, **goal_summary(goal), "clinic_id": CLINIC, "version": 1}
    return json.dumps({"commits": commits, "goal": summary, "sessions": session_docs})


def _commit(stream_id: str, version: int, events: list, at: datetime) -> dict:
    time = at.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
    envelopes = [replace(Streams._envelope(CLINIC, stream_id, CLIENT, version + 1, event, None), time=time)
                 for event in events]
    return commit_document(stream_id, version, envelopes, published=True)
