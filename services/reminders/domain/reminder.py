"""The Reminder value object and its deterministic identity.

Reminders are derived data: the projection recomputes them from events.
Their id is a uuid5 over the kind, the subject ids and the ORIGINAL due time
(before quiet hours moved it), so replaying the same events yields the same
ids, and a dispatcher can use the id as an idempotency key for
``reminder-sent``. Changing this recipe changes every id: don't.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

from .errors import InvalidFact

UTC = timezone.utc
KINDS = frozenset({"session", "milestone-due", "milestone-overdue", "follow-up", "practice"})
RECIPIENTS = frozenset({"client", "clinician"})
REMINDER_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:therapy-goals:reminders")


def require_aware(value: datetime, field: str) -> datetime:
    """Return ``value`` in UTC; reject naive datetimes (their zone is a guess)."""
    if not isinstance(value, datetime):
        raise InvalidFact(field, "a datetime")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidFact(field, "a timezone-aware datetime")
    return value.astimezone(UTC)


def reminder_id(kind: str, client_id: str, original_due_at: datetime,
                goal_id: str | None = None, milestone_id: str | None = None,
                session_id: str | None = None) -> str:
    """Deterministic id: uuid5 over kind, subject ids and original due time."""
    due = require_aware(original_due_at, "original_due_at").isoformat()
    name = "|".join([kind, client_id, goal_id or "", milestone_id or "", session_id or "", due])
    return str(uuid.uuid5(REMINDER_NAMESPACE, name))


@dataclass(frozen=True)
class Reminder:
    """A reminder that should exist; ``due_at`` is an aware UTC datetime.

    ``original_due_at`` is the time before quiet hours moved it (the id's
    ingredient); ``make_reminder`` always sets it.
    """

    reminder_id: str
    kind: str
    client_id: str
    due_at: datetime
    goal_id: str | None = None
    milestone_id: str | None = None
    session_id: str | None = None
    recipient: str = "client"
    original_due_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise InvalidFact("kind", "one of " + ", ".join(sorted(KINDS)))
        if self.recipient not in RECIPIENTS:
            raise InvalidFact("recipient", "'client' or 'clinician'")
        if not isinstance(self.client_id, str) or not self.client_id:
            raise InvalidFact("client_id", "a non-empty string")
        object.__setattr__(self, "due_at", require_aware(self.due_at, "due_at"))
        if self.original_due_at is not None:
            object.__setattr__(self, "original_due_at", require_aware(self.original_due_at, "original_due_at"))


def make_reminder(kind: str, client_id: str, original_due_at: datetime, due_at: datetime,
                  *, goal_id: str | None = None, milestone_id: str | None = None,
                  session_id: str | None = None, recipient: str = "client") -> Reminder:
    """Build a Reminder whose id comes from the original (un-held) due time."""
    rid = reminder_id(kind, client_id, original_due_at, goal_id, milestone_id, session_id)
    return Reminder(rid, kind, client_id, due_at, goal_id=goal_id, milestone_id=milestone_id,
                    session_id=session_id, recipient=recipient, original_due_at=original_due_at)
