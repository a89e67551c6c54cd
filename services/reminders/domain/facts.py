"""The facts reminders are planned from, as plain values (the projection keeps them).

A goal's facts come from its own stream (goal-created, milestone-added,
milestone-reached, goal-status-changed, goal-revised when it moves the target
date); a client's facts are the sessions logged for them. ``source`` is the id of the event that brought the fact: the
reminders it implies name it as their ``created_by``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class MilestoneFact:
    milestone_id: str
    due_date: date | None
    reached: bool = False
    source: str | None = None


@dataclass(frozen=True)
class GoalFacts:
    goal_id: str
    client_id: str
    lifecycle_status: str
    created_at: datetime  # aware
    milestones: tuple[MilestoneFact, ...] = ()
    practice_rrule: str | None = None
    source: str | None = None
    target_date: date | None = None  # the goal's, as last revised


@dataclass(frozen=True)
class SessionFact:
    session_id: str
    occurred_at: datetime  # aware
    attended: bool
    next_session_at: datetime | None = None
    source: str | None = None


@dataclass(frozen=True)
class ClientFacts:
    client_id: str
    sessions: tuple[SessionFact, ...] = ()

    def in_order(self) -> list[SessionFact]:
        """Sessions by when they happened (not when they were logged)."""
        return sorted(self.sessions, key=lambda s: (s.occurred_at, s.session_id))
