"""How a goal's FHIR statuses may change.

Goals are created ``active``; the earlier statuses are here for goals that a
later command (or an import) creates as proposals. Terminal statuses
(completed, cancelled, entered-in-error, rejected) are final: a finished goal
is never re-opened (a new goal is set instead), so reports of goals achieved
stay stable. ``entered-in-error`` is reachable from every open status.
"""

from .errors import GoalClosed, InvalidStatusTransition, StatusRequired
from .rules import valid_choice
from shared.contract.vocabulary import ACHIEVEMENT_STATUSES, LIFECYCLE_STATUSES, TERMINAL_LIFECYCLE_STATUSES

_NEXT = {
    "proposed": {"planned", "accepted", "active", "rejected", "cancelled"},
    "planned": {"accepted", "active", "rejected", "cancelled"},
    "accepted": {"active", "on-hold", "cancelled"},
    "active": {"on-hold", "completed", "cancelled"},
    "on-hold": {"active", "completed", "cancelled"},
}


def is_terminal(lifecycle_status: str) -> bool:
    return lifecycle_status in TERMINAL_LIFECYCLE_STATUSES


def next_statuses(
    current: tuple[str, str], lifecycle_status: str | None, achievement_status: str | None
) -> tuple[str, str]:
    """The (lifecycle, achievement) pair to record; ``achieved`` alone implies completed."""
    _check_given(lifecycle_status, achievement_status)
    lifecycle = lifecycle_status or _implied_lifecycle(current[0], achievement_status)
    wanted = (lifecycle, achievement_status or current[1])
    if wanted != current:
        _check_may_move(current[0], lifecycle)
    return wanted


def _check_given(lifecycle_status: str | None, achievement_status: str | None) -> None:
    if lifecycle_status is None and achievement_status is None:
        raise StatusRequired(detail="lifecycle_status or achievement_status")
    if lifecycle_status is not None:
        valid_choice(lifecycle_status, LIFECYCLE_STATUSES, "lifecycle_status")
    if achievement_status is not None:
        valid_choice(achievement_status, ACHIEVEMENT_STATUSES, "achievement_status")


def _implied_lifecycle(current: str, achievement_status: str | None) -> str:
    return "completed" if achievement_status == "achieved" else current


def _check_may_move(current: str, new: str) -> None:
    if is_terminal(current):
        raise GoalClosed(detail="an open goal; finished goals are not re-opened")
    if new not in _NEXT[current] | {current, "entered-in-error"}:
        raise InvalidStatusTransition(detail=f"a status reachable from {current}")
