"""Facts documents (written by the projection only) read as the domain's facts."""
from __future__ import annotations

from datetime import date

from services.reminders.domain.facts import ClientFacts, GoalFacts, MilestoneFact, SessionFact
from services.reminders.store.documents import EPOCH
from shared.domain.time import instant


def goal_facts(doc: dict) -> GoalFacts:
    reached = set(doc.get("reached", ()))
    milestones = tuple(MilestoneFact(m["milestone_id"], date.fromisoformat(m["due_date"]) if m["due_date"] else None,
                                     m["milestone_id"] in reached, m.get("source"))
                       for m in doc.get("milestones", ()))
    created_at = instant(doc["created_at"]) if doc.get("created_at") else EPOCH  # goal-created not applied (yet)
    target_date = date.fromisoformat(doc["target_date"]) if doc.get("target_date") else None
    return GoalFacts(doc["goal_id"], doc["client_id"], doc.get("lifecycle_status", "active"), created_at,
                     milestones, doc.get("practice_rrule"), doc.get("source"), target_date)


def client_facts(doc: dict) -> ClientFacts:
    sessions = tuple(SessionFact(s["session_id"], instant(s["occurred_at"]), s["attended"],
                                 instant(s["next_session_at"]) if s.get("next_session_at") else None, s.get("source"))
                     for s in doc.get("sessions", ()))
    return ClientFacts(doc["client_id"], sessions)
