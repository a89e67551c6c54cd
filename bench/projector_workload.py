"""The projector benchmark's workload: generated events, the projection, and its raw writes."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from pymongo import UpdateMany, UpdateOne
from pymongo.monitoring import CommandListener

from shared.contract.envelope import CloudEvent
from shared.messaging.topics import GOALS_EVENTS
from shared.store.projection import Context, InsertIfAbsent, Projection, Upsert

EVENTS_PER_CLIENT = 100
GOAL_AT = (0, 30, 60)            # a client's 1st, 31st and 61st events create its goals
MILESTONES_PER_GOAL = 12
START = datetime(2024, 1, 1, 9, 0, tzinfo=timezone.utc)
SOURCE = "/therapy-goals/bench"


def bench_projection() -> tuple[Projection, str]:
    """The reports projection when the reports service is there, else a representative one."""
    try:
        from services.reports.projection import reports_projection
        return reports_projection(), "services.reports.projection"
    except ImportError:
        return representative_projection(), "bench's representative projection"


def generate(count: int) -> list[CloudEvent]:
    """`count` events of count/100 clients, interleaved; each client's events in stream order."""
    return list(stream(count))


def stream(count: int):
    """The events of `generate`, one at a time (a million need not be in memory at once)."""
    clients = [_Client(n) for n in range(-(-count // EVENTS_PER_CLIENT))]
    made = 0
    for step in range(EVENTS_PER_CLIENT):
        for client in clients:
            if made == count:
                return
            yield client.event(step)
            made += 1


class _Client:
    def __init__(self, n: int):
        self.n, self.id, self.clinic = n, f"client-{n:06d}", f"clinic-{n % 20:02d}"
        self.clinician = f"clinician-{n % 20:02d}-{n % 5}"
        self.goals: list[str] = []
        self.sequence: dict[str, int] = {}
        self.reached: dict[str, int] = {}

    def event(self, step: int) -> CloudEvent:
        at = START + timedelta(days=step * 3, hours=self.n % 8)
        if step in GOAL_AT:
            return self._goal_created(at, step)
        if step % 3 == 0 and self.reached[self.goals[-1]] < MILESTONES_PER_GOAL:
            return self._milestone_reached(at)
        return self._session_logged(at, step)

    def _envelope(self, type_: str, subject: str, version: int, at: datetime, data: dict) -> CloudEvent:
        self.sequence[subject] = self.sequence.get(subject, 0) + 1
        return CloudEvent(type=type_, source=SOURCE, subject=subject, schemaversion=version, clinicid=self.clinic,
                          sequence=self.sequence[subject], partitionkey=self.id, data=data,
                          time=at.isoformat().replace("+00:00", "Z"))

    def _goal_created(self, at: datetime, step: int) -> CloudEvent:
        goal = f"{self.id}-goal-{step}"
        self.goals.append(goal)
        self.reached[goal] = 0
        milestones = [{"milestone_id": f"ms-{m}", "title": f"Step {m}", "due_date": (at + timedelta(weeks=m)).date()
                       .isoformat()} for m in range(MILESTONES_PER_GOAL)]
        return self._envelope("goal-created", goal, 2, at, {
            "goal_id": goal, "client_id": self.id, "clinician_id": self.clinician, "title": "Ride the bus",
            "description": None, "category": ("anxiety", "depression", "coping-skills")[len(self.goals) - 1],
            "priority": "medium", "measure": {"name": "SUDS", "baseline": 80, "target": 30, "unit": None},
            "target_date": (at + timedelta(days=180)).date().isoformat(), "lifecycle_status": "active",
            "achievement_status": "in-progress", "milestones": milestones,
            "gas_levels": None, "practice_rrule": None})

    def _milestone_reached(self, at: datetime) -> CloudEvent:
        goal = self.goals[-1]
        self.reached[goal] += 1
        return self._envelope("milestone-reached", goal, 1, at, {
            "goal_id": goal, "client_id": self.id, "milestone_id": f"ms-{self.reached[goal] - 1}",
            "reached_at": at.isoformat()})

    def _session_logged(self, at: datetime, step: int) -> CloudEvent:
        session = f"{self.id}-session-{step}"
        return self._envelope("session-logged", session, 1, at, {
            "session_id": session, "client_id": self.id, "clinician_id": self.clinician,
            "occurred_at": at.isoformat(), "duration_minutes": 50,
            "attendance": "no-show" if step % 11 == 0 else "attended", "modality": "video",
            "goals": [{"goal_id": goal, "rating": (step + i) % 5 - 2} for i, goal in enumerate(self.goals)],
            "measures": {"phq9": (27 - step // 5) % 28, "phq9_item9": 0, "gad7": (21 - step // 6) % 22},
            "next_session_at": None})


def raw_operations(projection: Projection, events: list[CloudEvent]) -> dict[str, list]:
    """The projection's changes as plain bulk operations per collection: no guard, no runtime."""
    ctx = Context(db=None)
    operations: dict[str, list] = {}
    for _, change in projection.changes(events, ctx):
        operations.setdefault(change.collection, []).append(_raw(change))
    return operations


def _raw(change):
    if isinstance(change, Upsert):
        insert = {"$setOnInsert": change.on_insert} if change.on_insert else {}
        return UpdateOne({"_id": change.id}, {**change.update, **insert}, upsert=True)
    if isinstance(change, InsertIfAbsent):
        return UpdateOne({"_id": change.document["_id"]}, {"$setOnInsert": change.document}, upsert=True)
    return UpdateMany(change.filter, change.update)


def representative_projection() -> Projection:
    """Per-goal and per-client documents with counters and series, like a reports projection."""
    def goal_created(event, ctx):
        return [Upsert("goals", event.subject, {"$set": {"client_id": event.partitionkey, "status": "active"}}),
                Upsert("clients", event.partitionkey, {"$inc": {"goals": 1}})]

    def milestone_reached(event, ctx):
        return [Upsert("goals", event.subject, {"$inc": {"reached": 1}, "$set": {"last_reached": event.time}})]

    def session_logged(event, ctx):
        return [Upsert("clients", event.partitionkey, {"$inc": {"sessions": 1},
                                                        "$push": {"phq9": event.data["measures"]["phq9"]}})]

    return Projection("bench-projector", (GOALS_EVENTS,), ("goals", "clients"),
                      {"goal-created": goal_created, "milestone-reached": milestone_reached,
                       "session-logged": session_logged})


class UpdateStatements(CommandListener):
    """Counts the update statements a client sends (how many writes the store really did)."""

    def __init__(self):
        self.count = 0

    def started(self, event):
        if event.command_name == "update":
            self.count += len(event.command["updates"])

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


def differing_documents(raw_db, projected_db, collections) -> int:
    """How many documents differ between the raw writes and the projector's (its `applied` aside)."""
    differing = 0
    for name in collections:
        raw = {doc["_id"]: doc for doc in raw_db[name].find()}
        projected = {doc.pop("_id"): doc for doc in projected_db[name].find()}
        for key in set(raw) | set(projected):
            mine = projected.get(key, {})
            mine.pop("applied", None)
            theirs = raw.get(key, {})
            theirs.pop("_id", None)
            differing += mine != theirs
    return differing
