"""Events of the goals service: facts, named in the past tense.

Each event's field names are exactly its CloudEvent ``data`` fields
(docs/architecture.md), so ``dataclasses.asdict(event)`` has the data's shape.

Nested values are small frozen dataclasses (``Measure``, ``SessionMeasures``)
or tuples of them (``milestones``, ``goals``): ``asdict`` turns them into dicts
and lists with no extra code. ``gas_levels`` is the one plain dict, because its
keys ("-2" .. "2") are not identifiers; treat it as read-only (it also makes
``GoalCreated`` unhashable, which nothing needs).

Dates are ``datetime.date``; instants are timezone-aware ``datetime`` in UTC.
``event_to_data`` / ``event_from_data`` convert any event to and from a
JSON-ready dict (ISO 8601 strings), so infrastructure needs no per-class code.
Missing ``gas_levels`` / ``practice_rrule`` read as None (goal-created v1).
"""

from dataclasses import dataclass
from datetime import date, datetime

from . import codec


@dataclass(frozen=True)
class Measure:
    name: str
    baseline: float
    target: float
    unit: str


@dataclass(frozen=True)
class PlannedMilestone:
    milestone_id: str
    title: str
    due_date: date


@dataclass(frozen=True)
class GoalRating:
    goal_id: str
    rating: int | None


@dataclass(frozen=True)
class SessionMeasures:
    phq9: int | None = None
    phq9_item9: int | None = None
    gad7: int | None = None


@dataclass(frozen=True)
class GoalCreated:
    goal_id: str
    client_id: str
    clinician_id: str
    title: str
    description: str
    category: str
    priority: str
    measure: Measure | None
    target_date: date
    lifecycle_status: str
    achievement_status: str
    milestones: tuple[PlannedMilestone, ...]
    gas_levels: dict[str, str] | None = None
    practice_rrule: str | None = None


@dataclass(frozen=True)
class MilestoneAdded:
    goal_id: str
    client_id: str
    milestone_id: str
    title: str
    due_date: date


@dataclass(frozen=True)
class MilestoneReached:
    goal_id: str
    client_id: str
    milestone_id: str
    reached_at: datetime


@dataclass(frozen=True)
class GoalStatusChanged:
    goal_id: str
    client_id: str
    lifecycle_status: str
    achievement_status: str
    reason: str


@dataclass(frozen=True)
class SessionLogged:
    session_id: str
    client_id: str
    clinician_id: str
    occurred_at: datetime
    duration_minutes: int
    attendance: str
    modality: str
    goals: tuple[GoalRating, ...]
    measures: SessionMeasures
    next_session_at: datetime | None


GoalEvent = GoalCreated | MilestoneAdded | MilestoneReached | GoalStatusChanged
Event = GoalEvent | SessionLogged

EVENT_TYPES = {
    "goal-created": GoalCreated,
    "milestone-added": MilestoneAdded,
    "milestone-reached": MilestoneReached,
    "goal-status-changed": GoalStatusChanged,
    "session-logged": SessionLogged,
}
TYPE_NAMES = {cls: name for name, cls in EVENT_TYPES.items()}


class UnknownEventType(LookupError):
    """The CloudEvent type names no event of the goals service."""


def type_name(event: Event) -> str:
    """The CloudEvent type of an event, e.g. ``"goal-created"``."""
    return TYPE_NAMES[type(event)]


def event_to_data(event: Event) -> dict:
    """The event's CloudEvent ``data``: a JSON-ready dict."""
    return codec.to_data(event)


def event_from_data(type_name: str, data: dict) -> Event:
    """The event of CloudEvent type ``type_name`` whose ``data`` is given."""
    try:
        cls = EVENT_TYPES[type_name]
    except KeyError:
        raise UnknownEventType(type_name) from None
    return codec.from_data(cls, data)
