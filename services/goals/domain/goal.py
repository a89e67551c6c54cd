"""The Goal aggregate: its state as a fold over its events, and its decisions.

A decision takes the current state (``None`` when the stream is empty) and the
command's inputs, and returns the new events or raises a ``DomainError``. It
checks in the order an API client would want to hear about problems: a missing
goal, then invalid input, then a conflict with the goal's current state.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime

from . import lifecycle
from .errors import DuplicateMilestone, GasLevelsFrozen, GoalClosed, GoalNotFound
from .errors import MilestoneAlreadyReached, UnknownMilestone
from .goal_creation import DESCRIPTION_MAX, TITLE_MAX, valid_gas_levels, valid_measure
from .rules import as_utc, not_in_past, valid_choice, valid_id, valid_text
from shared.contract.events import GoalCreated, GoalRevised, GoalStatusChanged, MilestoneAdded, MilestoneReached
from shared.contract.events import PlannedMilestone
from shared.contract.vocabulary import PRIORITIES, REVISABLE_GOAL_FIELDS, STATUS_REASONS

GoalEvent = GoalCreated | MilestoneAdded | MilestoneReached | GoalStatusChanged | GoalRevised


@dataclass(frozen=True)
class Milestone(PlannedMilestone):
    """A milestone of the goal: as planned or added, and when it was reached."""
    reached_at: datetime | None = None


@dataclass(frozen=True)
class Goal(GoalCreated):
    """The goal: the fields it was created with, at their current values, and its milestones as they now are.

    ``version`` counts its events; ``created_at`` is its first event's envelope time.
    """
    milestones: tuple[Milestone, ...]
    version: int = 0
    created_at: datetime | None = None

    @property
    def is_closed(self) -> bool:
        return lifecycle.is_terminal(self.lifecycle_status)

    def milestone(self, milestone_id: str) -> Milestone | None:
        return next((m for m in self.milestones if m.milestone_id == milestone_id), None)


def fold(events: Iterable[GoalEvent], *, created_at: datetime | None = None) -> Goal | None:
    """The goal after its events; ``created_at`` is the first event's envelope time."""
    goal = None
    for event in events:
        goal = apply(goal, event)
    return replace(goal, created_at=created_at) if goal and created_at else goal


def apply(goal: Goal | None, event: GoalEvent) -> Goal:
    """The goal after one more event; ``version`` counts the events applied."""
    changed = _APPLY[type(event)](goal, event)
    return replace(changed, version=(goal.version if goal else 0) + 1)


def _created(_, event: GoalCreated) -> Goal:
    planned = tuple(Milestone(m.milestone_id, m.title, m.due_date) for m in event.milestones)
    return Goal(**{**vars(event), "milestones": planned, "gas_levels": _own(event.gas_levels)})


def _milestone_added(goal: Goal, event: MilestoneAdded) -> Goal:
    added = Milestone(event.milestone_id, event.title, event.due_date)
    return replace(goal, milestones=goal.milestones + (added,))


def _milestone_reached(goal: Goal, event: MilestoneReached) -> Goal:
    def reached(m: Milestone) -> Milestone:
        is_it = m.milestone_id == event.milestone_id
        return replace(m, reached_at=event.reached_at) if is_it else m

    return replace(goal, milestones=tuple(map(reached, goal.milestones)))


def _status_changed(goal: Goal, event: GoalStatusChanged) -> Goal:
    return replace(goal, lifecycle_status=event.lifecycle_status,
                   achievement_status=event.achievement_status)


def _revised(goal: Goal, event: GoalRevised) -> Goal:
    values = {name: getattr(event, name) for name in event.revised}
    if "gas_levels" in values:
        values["gas_levels"] = _own(values["gas_levels"])
    return replace(goal, **values)


def _own(gas_levels: dict | None) -> dict | None:
    """The state's own copy of an event's GAS levels (events stay as they were)."""
    return dict(gas_levels) if gas_levels is not None else None


_APPLY = {GoalCreated: _created, MilestoneAdded: _milestone_added, MilestoneReached: _milestone_reached,
          GoalStatusChanged: _status_changed, GoalRevised: _revised}


def add_milestone(goal: Goal | None, milestone_id: str, title: str, due_date: date,
                  today: date) -> list[MilestoneAdded]:
    """A new milestone, due today or later, at the end of the goal's milestones."""
    goal = _existing(goal)
    milestone_id = valid_id(milestone_id, "milestone_id")
    title = valid_text(title, "title", TITLE_MAX)
    due_date = not_in_past(due_date, today, "due_date")
    if _open(goal).milestone(milestone_id):
        raise DuplicateMilestone(detail="a milestone id not yet used in this goal")
    return [MilestoneAdded(goal.goal_id, goal.client_id, milestone_id, title, due_date)]


def reach_milestone(goal: Goal | None, milestone_id: str,
                    reached_at: datetime) -> list[MilestoneReached]:
    """The milestone reached at ``reached_at`` (recorded in UTC); the goal stays as it is."""
    goal = _existing(goal)
    reached_at = as_utc(reached_at, "reached_at")
    milestone = goal.milestone(milestone_id)
    if milestone is None:
        raise UnknownMilestone(detail="a milestone of this goal")
    _open(goal)
    if milestone.reached_at is not None:
        raise MilestoneAlreadyReached(detail="a milestone not yet reached")
    return [MilestoneReached(goal.goal_id, goal.client_id, milestone_id, reached_at)]


def change_status(goal: Goal | None, *, lifecycle_status: str | None = None,
                  achievement_status: str | None = None, reason: str) -> list[GoalStatusChanged]:
    """The goal's new statuses; no event when nothing changes (a repeated request)."""
    goal = _existing(goal)
    reason = valid_choice(reason, STATUS_REASONS, "reason")
    current = (goal.lifecycle_status, goal.achievement_status)
    wanted = lifecycle.next_statuses(current, lifecycle_status, achievement_status)
    if wanted == current:
        return []
    return [GoalStatusChanged(goal.goal_id, goal.client_id, *wanted, reason)]


def revise(goal: Goal | None, patch: Mapping, today: date, rated: bool) -> list[GoalRevised]:
    """The goal revised by a JSON merge patch (RFC 7396) of its revisable fields; no event when nothing changes.

    ``null`` removes a value: no measure, no GAS levels, an empty description (a
    title, priority or target date cannot be removed). An object patches the measure
    or the GAS levels member by member. Each new value is checked as when a goal is
    set; a target date that changes must be today or later. GAS levels are frozen
    once a session has rated the goal (``rated``). The event names only the fields
    whose values change.
    """
    goal = _existing(goal)
    values = {name: _REVISE[name](goal, value, today) for name, value in patch.items()}
    changed = {name: values[name] for name in REVISABLE_GOAL_FIELDS if name in values
               and values[name] != getattr(goal, name)}
    _open(goal)
    if "gas_levels" in changed and rated:
        raise GasLevelsFrozen(detail="a goal no session has rated yet: its GAS levels are frozen once used")
    return [GoalRevised(goal.goal_id, goal.client_id, tuple(changed), **changed)] if changed else []


def _merged(target: Mapping | None, patch):
    """`patch` merged into `target` (RFC 7396): members set, null members removed, objects merged in depth."""
    if not isinstance(patch, Mapping):
        return patch
    merged = dict(target) if isinstance(target, Mapping) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = _merged(merged.get(key), value)
    return merged


_REVISE = {
    "title": lambda goal, value, today: valid_text(value, "title", TITLE_MAX),
    "description": lambda goal, value, today: valid_text(value, "description", DESCRIPTION_MAX, may_be_blank=True),
    "priority": lambda goal, value, today: valid_choice(value, PRIORITIES, "priority"),
    "target_date": lambda goal, value, today: (
        value if value == goal.target_date else not_in_past(value, today, "target_date")),
    "measure": lambda goal, value, today: (
        None if value is None else valid_measure(_merged(goal.measure and vars(goal.measure), value))),
    "gas_levels": lambda goal, value, today: (
        None if value is None else valid_gas_levels(_merged(goal.gas_levels, value))),
}


def _existing(goal: Goal | None) -> Goal:
    if goal is None:
        raise GoalNotFound(detail="an existing goal")
    return goal


def _open(goal: Goal | None) -> Goal:
    if _existing(goal).is_closed:
        raise GoalClosed(detail="an open goal (not completed, cancelled, rejected or in error)")
    return goal
