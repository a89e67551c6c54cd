"""Errors raised by the pure reminder rules.

Same shape as the goals domain's errors: a stable kebab-case ``code``, the
``field`` concerned (``InvalidRRule`` uses ``practice_rrule``, like goals'
``invalid-rrule``) and a ``detail`` saying what is expected. ``detail``
never holds the submitted value (zones, dates and rules are personal data
and errors get logged). They are ValueErrors, so callers can also catch
them generically.
"""

from __future__ import annotations


class ReminderRuleError(ValueError):
    """Base error: ``field`` names the input, ``detail`` says what is wrong."""

    code = "invalid"

    def __init__(self, field: str, detail: str) -> None:
        self.field = field
        self.detail = detail
        super().__init__(f"{field}: {detail}")

    @property
    def message(self) -> str:
        return self.detail


class InvalidPreferences(ReminderRuleError):
    """A client's reminder preferences are not usable (zone, quiet hours...)."""

    code = "invalid-preference"


class InvalidRRule(ReminderRuleError):
    """A goal's practice RRULE cannot be parsed or is not allowed."""

    code = "invalid-rrule"

    def __init__(self, detail: str, field: str = "practice_rrule") -> None:
        super().__init__(field, detail)


class InvalidFact(ReminderRuleError):
    """A fact handed to a rule is malformed (e.g. a naive datetime)."""

    code = "invalid-fact"
