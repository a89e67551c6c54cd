"""Every refusal of the reminders service, each a shared.domain.errors.DomainError.

A stable kebab-case ``code``, the ``field`` concerned (``InvalidRRule`` uses
``practice_rrule``, like the goals service's ``invalid-rrule``) and a
``detail`` saying what is expected. ``detail`` never holds the submitted value
(zones, dates and rules are personal data and errors get logged).
"""

from __future__ import annotations

from shared.domain.errors import DomainError


class InvalidPreferences(DomainError):
    """A client's reminder preferences are not usable (zone, quiet hours...)."""

    code = "invalid-preference"


class InvalidRRule(DomainError):
    """A goal's practice RRULE cannot be parsed or is not allowed."""

    code = "invalid-rrule"
    field = "practice_rrule"


class InvalidFact(DomainError):
    """A fact handed to a rule is malformed (e.g. a naive datetime)."""

    code = "invalid-fact"


class InvalidRequest(DomainError):
    """A request the API's schemas let through that the use case refuses (e.g. a snooze too far ahead)."""

    code = "invalid-request"


class ReminderNotFound(DomainError):
    """No such reminder in the caller's clinic."""

    kind, code, field = "not-found", "reminder-not-found", "reminder_id"
    message = "No such reminder in your clinic"


class StatusConflict(DomainError):
    """The reminder's status does not allow the change."""

    kind, code, field = "conflict", "status-conflict", "status"

    def __init__(self, status: str, action: str) -> None:
        super().__init__()
        self.status, self.action = status, action
        self.message = f"A {status} reminder cannot be {action}"
