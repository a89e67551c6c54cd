"""Builders of valid CloudEvents for the reports tests: a client's story, numbered per aggregate.

Every event is checked against its registered schema, so a builder can never
produce an event the goals or reminders services could not publish. Each event
also gets the Kafka position a consumer would read it at (the guard by position
of the clinic aggregates needs one): its topic, the story's partition (one of its
own unless given) and the next offset of that partition, in the order built.
"""
from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta, timezone

from shared.contract import types as t
from shared.contract.envelope import CloudEvent, Position
from shared.contract.registry import event_type, upcast, validate
from shared.store.projection import Context, write_batch

JAN = datetime(2025, 1, 6, 10, 0, tzinfo=timezone.utc)
SOURCE = "/therapy-goals/tests"
_PARTITIONS = itertools.count(1000)  # a story's own partition, unless it is given one
_OFFSETS: Counter = Counter()        # the last offset given per (topic, partition), for the whole test run


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


class Story:
    """The events of one client in one clinic, in the order they happen."""

    def __init__(self, clinic: str = "clinic-a", client: str = "client-1", clinician: str = "clinician-1",
                 partition: int | None = None):
        self.clinic, self.client, self.clinician = clinic, client, clinician
        self.partition = next(_PARTITIONS) if partition is None else partition
        self.events: list[CloudEvent] = []
        self._sequence: Counter = Counter()

    def _position(self, kind: str) -> Position:
        topic = event_type(kind).topic
        _OFFSETS[(topic, self.partition)] += 1
        return Position(topic, self.partition, _OFFSETS[(topic, self.partition)])

    def _event(self, kind: str, subject: str, data: dict, at: datetime) -> CloudEvent:
        version = event_type(kind).current_version
        validate(kind, version, data)
        self._sequence[subject] += 1
        event = CloudEvent(type=kind, source=SOURCE, subject=subject, schemaversion=version, clinicid=self.clinic,
                           sequence=self._sequence[subject], partitionkey=self.client, data=data, time=iso(at),
                           position=self._position(kind))
        self.events.append(event)
        return event

    def goal(self, goal_id: str, at: datetime = JAN, category: str = "anxiety", milestones: int = 0,
             title: str = "Speak up in meetings", lifecycle: str = "active", achievement: str = "in-progress",
             measure: dict | None = None, gas_levels: dict | None = None):
        planned = [{"milestone_id": f"{goal_id}-m{n}", "title": f"Step {n}",
                    "due_date": (at.date() + timedelta(days=14 * n)).isoformat()} for n in range(1, milestones + 1)]
        return self._event(t.GOAL_CREATED, goal_id, {
            "goal_id": goal_id, "client_id": self.client, "clinician_id": self.clinician, "title": title,
            "description": None, "category": category, "priority": "medium",
            "target_date": (at.date() + timedelta(days=90)).isoformat(), "lifecycle_status": lifecycle,
            "achievement_status": achievement, "milestones": planned, "gas_levels": gas_levels,
            "measure": measure, "practice_rrule": None}, at)

    def revise(self, goal_id: str, at: datetime, **revised):
        """A goal-revised of the fields given (title, description, priority, target_date, measure, gas_levels)."""
        return self._event(t.GOAL_REVISED, goal_id, {"goal_id": goal_id, "client_id": self.client,
                                                     "revised": list(revised), **revised}, at)

    def add_milestone(self, goal_id: str, milestone_id: str, at: datetime, due: date | None = None):
        return self._event(t.MILESTONE_ADDED, goal_id, {
            "goal_id": goal_id, "client_id": self.client, "milestone_id": milestone_id, "title": "Extra step",
            "due_date": due.isoformat() if due else None}, at)

    def reach(self, goal_id: str, milestone_id: str, at: datetime):
        return self._event(t.MILESTONE_REACHED, goal_id, {
            "goal_id": goal_id, "client_id": self.client, "milestone_id": milestone_id, "reached_at": iso(at)}, at)

    def status(self, goal_id: str, at: datetime, lifecycle: str = "completed", achievement: str = "achieved",
               reason: str = "goal-met"):
        return self._event(t.GOAL_STATUS_CHANGED, goal_id, {
            "goal_id": goal_id, "client_id": self.client, "lifecycle_status": lifecycle,
            "achievement_status": achievement, "reason": reason}, at)

    def session(self, session_id: str, at: datetime, attendance: str = "attended", ratings: dict | None = None,
                phq9: int | None = None, gad7: int | None = None, item9: int | None = None,
                clinician: str | None = None):
        return self._event(t.SESSION_LOGGED, session_id, {
            "session_id": session_id, "client_id": self.client, "clinician_id": clinician or self.clinician,
            "occurred_at": iso(at), "duration_minutes": 50, "attendance": attendance, "modality": "video",
            "goals": [{"goal_id": goal, "rating": rating} for goal, rating in (ratings or {}).items()],
            "measures": {"phq9": phq9, "phq9_item9": item9 if phq9 is not None else None, "gad7": gad7},
            "next_session_at": None}, at)

    def reminder(self, reminder_id: str, at: datetime, failed: bool = False):
        data = {"reminder_id": reminder_id, "client_id": self.client, "kind": "session", "goal_id": None,
                "milestone_id": None, "session_id": None, "due_at": iso(at), "attempted_at": iso(at), "attempts": 1}
        if failed:
            data["error"] = "http-500"
        return self._event(t.REMINDER_FAILED if failed else t.REMINDER_SENT, reminder_id, data, at)


def weeks(n: int, start: datetime = JAN) -> datetime:
    return start + timedelta(weeks=n)


def changes(projection, event: CloudEvent, ctx: Context) -> list:
    """The event's changes, computed as the runtime computes them (handlers called by arity)."""
    return [change for _event, change in projection.changes([event], ctx)]


class _NothingStored:
    def find_one(self, *_args, **_kwargs):
        return None

    def find(self, *_args, **_kwargs):
        return []


def empty_store_context() -> Context:
    """A context whose store holds nothing (unit tests: each event is the client's first)."""
    return Context(db=defaultdict(_NothingStored))


def apply_events(projection, db, events) -> None:
    """Apply events the way the consumer does (handlers, then one guarded bulk write per event), without Kafka."""
    ctx = Context(db=db)
    projection.setup(ctx)
    for event in events:
        event = upcast(event)
        write_batch(ctx, [(event, change) for change in changes(projection, event, ctx)])
