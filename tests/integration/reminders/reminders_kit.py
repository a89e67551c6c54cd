"""Helpers of the reminders integration tests: valid goal and session events, planning, reading reminders.

Every test runs at the fixed instant ``NOW`` (passed to the planner, the
dispatcher and the API as their clock), so no test depends on the day or the
hour it runs at.
"""
from __future__ import annotations

import time
from collections import Counter
from datetime import date, datetime, timedelta, timezone

from services.reminders.domain.plan import Planned
from services.reminders.domain.reminder import make_reminder
from services.reminders.service.planner import Planner
from services.reminders.store.documents import REMINDERS
from services.reminders.store.plans import Scope, new_document
from shared.contract.envelope import CloudEvent

UTC = timezone.utc
SOURCE = "/therapy-goals/tests"
NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)  # a Wednesday noon, outside the default quiet hours (22:00-07:00)


def now() -> datetime:
    """The tests' instant: the clock every planner, dispatcher and API of these tests is given."""
    return NOW


def ticking_clock(start: datetime = NOW):
    """A clock that starts at `start` and advances with elapsed real time (for retries measured in seconds)."""
    began = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - began)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Events:
    """Valid goals-events of one clinic, numbered per subject like the event store numbers them."""

    def __init__(self, clinic: str):
        self.clinic, self.sequences = clinic, Counter()

    def _event(self, type_: str, subject: str, client: str, data: dict, at: datetime | None) -> CloudEvent:
        self.sequences[subject] += 1
        return CloudEvent(type=type_, source=SOURCE, subject=subject, schemaversion=2 if type_ == "goal-created" else 1,
                          clinicid=self.clinic, sequence=self.sequences[subject], partitionkey=client, data=data,
                          time=iso(at or now()))

    def goal_created(self, client: str, goal: str, milestones: dict[str, date | None], rrule: str | None = None,
                     at: datetime | None = None, target_date: date | None = None) -> CloudEvent:
        return self._event("goal-created", goal, client, {
            "goal_id": goal, "client_id": client, "clinician_id": "clinician-1", "title": "PERSONAL-TITLE",
            "description": None, "category": "anxiety", "priority": "high", "measure": None,
            "target_date": target_date.isoformat() if target_date else None,
            "lifecycle_status": "active", "achievement_status": "in-progress", "gas_levels": None,
            "practice_rrule": rrule, "milestones": [
                {"milestone_id": mid, "title": "PERSONAL", "due_date": due.isoformat() if due else None}
                for mid, due in milestones.items()]}, at)

    def milestone_reached(self, client: str, goal: str, milestone: str) -> CloudEvent:
        return self._event("milestone-reached", goal, client, {
            "goal_id": goal, "client_id": client, "milestone_id": milestone, "reached_at": iso(now())}, None)

    def goal_revised(self, client: str, goal: str, **revised) -> CloudEvent:
        """A goal-revised event of the `revised` fields (a target_date as a date or None)."""
        values = {name: value.isoformat() if isinstance(value, date) else value for name, value in revised.items()}
        return self._event("goal-revised", goal, client, {
            "goal_id": goal, "client_id": client, "revised": sorted(values), **values}, None)

    def status_changed(self, client: str, goal: str, status: str) -> CloudEvent:
        return self._event("goal-status-changed", goal, client, {
            "goal_id": goal, "client_id": client, "lifecycle_status": status, "achievement_status": "in-progress",
            "reason": "clinician-decision"}, None)

    def session_logged(self, client: str, session: str, occurred_at: datetime, attended: bool = True,
                       next_session_at: datetime | None = None) -> CloudEvent:
        return self._event("session-logged", session, client, {
            "session_id": session, "client_id": client, "clinician_id": "clinician-1",
            "occurred_at": occurred_at.isoformat(), "duration_minutes": 50,
            "attendance": "attended" if attended else "no-show", "modality": "video", "goals": [],
            "measures": {"phq9": None, "phq9_item9": None, "gad7": None},
            "next_session_at": next_session_at.isoformat() if next_session_at else None}, occurred_at)


def in_days(days: int) -> date:
    return (now() + timedelta(days=days)).date()


def planned(db, at: datetime | None = None, **query) -> list[dict]:
    """Plan what is due for planning, then the reminders matching `query`, earliest due first."""
    Planner(db, owner="tests").plan_due(at or now())
    return list(db[REMINDERS].find(query).sort([("due_at", 1), ("_id", 1)]))


def statuses(reminders: list[dict]) -> dict[tuple, str]:
    return {(r["kind"], r.get("milestone_id") or r.get("session_id")): r["status"] for r in reminders}


def due_reminders(db, clinic: str, client: str, count: int, due_at: datetime | None = None,
                  kind: str = "practice") -> list[str]:
    """Insert `count` pending reminders of a client's goal, due at `due_at` (a minute ago by default)."""
    due_at = due_at or now() - timedelta(minutes=1)
    docs = [new_document(Planned(make_reminder(kind, client, due_at - timedelta(seconds=n), due_at, goal_id="g1",
                                               milestone_id="m1" if kind.startswith("milestone") else None)),
                         Scope(clinic, "goal:g1"), now()) for n in range(count)]
    db[REMINDERS].insert_many(docs)
    return [doc["_id"] for doc in docs]
