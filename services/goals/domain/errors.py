"""Why the goals service refuses a command or a read, and which API field it concerns.

Each refusal is a shared.domain.errors.DomainError: a ``code`` (kebab-case, stable,
for clients), a ``field`` (the API field path, e.g. ``"target_date"``,
``"goals[0].rating"``, ``"measures.phq9"``, ``"gas_levels.-1"``, ``"If-Match"``) and a
``kind`` (invalid, conflict, not-found, stale) that shared.web.errors answers with
its status. ``detail`` says what is expected; it never holds the submitted value,
because titles, dates and scores are personal data and errors get logged.
"""
from shared.domain.errors import DomainError


# Invalid input.


class IdempotencyKeyReused(DomainError):
    code = "idempotency-key-reused"
    field = "Idempotency-Key"
    message = "This key was used for a different request"


class InvalidIdentifier(DomainError):
    code = "invalid-identifier"


class InvalidChoice(DomainError):
    code = "invalid-choice"


class BlankText(DomainError):
    code = "blank"


class TextTooLong(DomainError):
    code = "too-long"


class NotANumber(DomainError):
    code = "not-a-number"


class TargetEqualsBaseline(DomainError):
    code = "target-equals-baseline"
    field = "measure.target"


class InvalidDates(DomainError):
    code = "invalid-date"


class DateInThePast(InvalidDates):
    code = "date-in-the-past"


class InTheFuture(InvalidDates):
    code = "in-the-future"


class TimezoneRequired(InvalidDates):
    code = "timezone-required"


class NextSessionNotAfterSession(InvalidDates):
    code = "next-session-not-after-session"
    field = "next_session_at"


class IncompleteMeasure(DomainError):
    code = "incomplete-measure"
    field = "measure"


class IncompleteGasLevels(DomainError):
    code = "incomplete-gas-levels"
    field = "gas_levels"


class InvalidRecurrenceRule(DomainError):
    code = "invalid-rrule"
    field = "practice_rrule"


class StatusRequired(DomainError):
    code = "status-required"
    field = "lifecycle_status"


class DurationOutOfRange(DomainError):
    code = "duration-out-of-range"
    field = "duration_minutes"


class RatingOutOfRange(DomainError):
    code = "rating-out-of-range"


class ScoreOutOfRange(DomainError):
    code = "score-out-of-range"


class Item9WithoutPhq9(DomainError):
    code = "item9-without-phq9"
    field = "measures.phq9_item9"


class Item9ExceedsPhq9(DomainError):
    code = "item9-exceeds-phq9"
    field = "measures.phq9_item9"


class DuplicateGoalInSession(DomainError):
    code = "duplicate-goal"


class NotAttended(DomainError):
    code = "session-not-attended"


class UnknownGoalOfClient(DomainError):
    code = "unknown-goal"


class InvalidPartners(DomainError):
    code = "invalid-partners"
    field = "partners"


# Conflicts with the current state.


class GoalClosed(DomainError):
    kind = "conflict"
    code = "goal-closed"
    field = "lifecycle_status"


class InvalidStatusTransition(DomainError):
    kind = "conflict"
    code = "invalid-status-transition"
    field = "lifecycle_status"


class MilestoneAlreadyReached(DomainError):
    kind = "conflict"
    code = "milestone-already-reached"
    field = "milestone_id"


class DuplicateMilestone(DomainError):
    kind = "conflict"
    code = "duplicate-milestone"
    field = "milestone_id"


class GasLevelsFrozen(DomainError):
    kind = "conflict"
    code = "gas-levels-frozen"
    field = "gas_levels"


# Nothing to decide on.


class GoalNotFound(DomainError):
    kind = "not-found"
    code = "goal-not-found"
    field = "goal_id"


class SessionNotFound(DomainError):
    kind = "not-found"
    code = "session-not-found"
    field = "session_id"


class ClientNotFound(DomainError):
    kind = "not-found"
    code = "client-not-found"
    field = "client_id"


class UnknownMilestone(DomainError):
    kind = "not-found"
    code = "unknown-milestone"
    field = "milestone_id"


# The caller's version is not the current one.


class StaleVersion(DomainError):
    """The goal is not at a version the caller expects (If-Match)."""
    kind = "stale"
    code = "stale-version"
    field = "If-Match"
    message = "The goal has changed since that version; GET it again"
