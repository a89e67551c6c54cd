"""The data of every event: one frozen dataclass per (event type, schema version), declared once (pure).

A class's fields are exactly the CloudEvent ``data`` fields of its type and version,
in order. Everything else about the event's data derives from it: the marshmallow
schema that validates it (shared.contract.schemas), its JSON form (shared.contract.codec)
and the AsyncAPI document (tools.asyncapi). shared.contract.registry lists each type
once with the class of each of its versions.

The class of a type's current version has the plain name (``GoalCreated``); an older
version keeps its number (``GoalCreatedV1``), and the next one usually derives from it
(adding fields). Producers build, and consumers get, the current version's class.

Field types: ``str``, ``int``, ``float``, ``date``, ``datetime`` (aware, UTC), ``X | None``
(null allowed), ``tuple[X, ...]`` (a list), a nested dataclass (an object) and
``dict[str, str]`` with ``keys`` (an object of exactly those keys; a dict because they
are not identifiers: treat it as read-only). Every field is required, except that a
field whose default is ``ABSENT`` may be left out (a merge patch: goal-revised).
The rules of a field are its metadata, given by :func:`rules` (or its shorthands):

- ``personal``: personal data, only on internal topics (for a keyed dict: its values);
- ``choices``: the allowed codes (of each item, for a tuple), from shared.contract.vocabulary;
- ``length``: ``(min, max)`` characters (items, for a tuple), either may be None;
- ``range``: ``(min, max)`` of a number, either may be None;
- ``keys``: the keys of a keyed dict;
- ``names_present``: the field lists exactly the ``ABSENT``-default fields that are present.
"""
from __future__ import annotations

import enum
import typing
from dataclasses import dataclass, field
from datetime import date, datetime

from shared.contract import vocabulary as v


class Absent(enum.Enum):
    """The value of a field that the data leaves out (only where it is the field's default)."""
    ABSENT = "absent"

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT = Absent.ABSENT


def rules(*, personal: bool = False, choices: tuple[str, ...] | None = None, length: tuple | None = None,
          range: tuple | None = None, keys: tuple[str, ...] | None = None, names_present: bool = False,
          optional: bool = False):
    """A dataclass field with these rules as its metadata; `optional`: it may be left out (default ABSENT)."""
    given = {"personal": personal or None, "choices": choices, "length": length, "range": range, "keys": keys,
             "names_present": names_present or None}
    metadata = {name: value for name, value in given.items() if value is not None}
    return field(default=ABSENT, metadata=metadata) if optional else field(metadata=metadata)


def identifier(**kwargs):
    """An id: 1 to 100 characters."""
    return rules(length=(1, 100), **kwargs)


def personal(**kwargs):
    return rules(personal=True, **kwargs)


def one_of(choices: tuple[str, ...], **kwargs):
    return rules(choices=choices, **kwargs)


@typing.dataclass_transform(frozen_default=True, field_specifiers=(field, rules, identifier, personal, one_of))
def event_data(cls):
    """A frozen dataclass whose fields may be declared with `rules` and its shorthands (the type checker knows)."""
    return dataclass(frozen=True)(cls)


# --- parts of several events ---------------------------------------------------------


@event_data
class Measure:
    name: str = personal()
    baseline: float
    target: float
    unit: str | None


@event_data
class PlannedMilestone:
    milestone_id: str = identifier()
    title: str = personal()
    due_date: date | None


@event_data
class GoalRating:
    goal_id: str = identifier()
    rating: int | None = rules(range=(-2, 2))


@event_data
class SessionMeasures:
    phq9: int | None = rules(range=(0, 27))
    phq9_item9: int | None = rules(range=(0, 3))
    gad7: int | None = rules(range=(0, 21))


# --- goals-events ------------------------------------------------------------------------


@event_data
class GoalCreatedV1:
    goal_id: str = identifier()
    client_id: str = identifier()
    clinician_id: str = identifier()
    title: str = personal()
    description: str | None = personal()
    category: str = one_of(v.CATEGORIES)
    priority: str = one_of(v.PRIORITIES)
    measure: Measure | None
    target_date: date | None
    lifecycle_status: str = one_of(v.LIFECYCLE_STATUSES)
    achievement_status: str = one_of(v.ACHIEVEMENT_STATUSES)
    milestones: tuple[PlannedMilestone, ...]


@event_data
class GoalCreated(GoalCreatedV1):
    gas_levels: dict[str, str] | None = rules(keys=v.GAS_KEYS, personal=True)
    practice_rrule: str | None = rules(length=(None, 500))


@event_data
class MilestoneAdded:
    goal_id: str = identifier()
    client_id: str = identifier()
    milestone_id: str = identifier()
    title: str = personal()
    due_date: date | None


@event_data
class MilestoneReached:
    goal_id: str = identifier()
    client_id: str = identifier()
    milestone_id: str = identifier()
    reached_at: datetime


@event_data
class GoalStatusChanged:
    goal_id: str = identifier()
    client_id: str = identifier()
    lifecycle_status: str = one_of(v.LIFECYCLE_STATUSES)
    achievement_status: str = one_of(v.ACHIEVEMENT_STATUSES)
    reason: str = one_of(v.STATUS_REASONS)


@event_data
class GoalRevised:
    """A merge patch of a goal: the fields named in `revised` are present with their new values, no others."""
    goal_id: str = identifier()
    client_id: str = identifier()
    revised: tuple[str, ...] = rules(choices=v.REVISABLE_GOAL_FIELDS, length=(1, None), names_present=True)
    title: str | Absent = personal(optional=True)
    description: str | None | Absent = personal(optional=True)
    priority: str | Absent = one_of(v.PRIORITIES, optional=True)
    measure: Measure | None | Absent = rules(optional=True)
    target_date: date | None | Absent = rules(optional=True)
    gas_levels: dict[str, str] | None | Absent = rules(keys=v.GAS_KEYS, personal=True, optional=True)


@event_data
class SessionLogged:
    session_id: str = identifier()
    client_id: str = identifier()
    clinician_id: str = identifier()
    occurred_at: datetime
    duration_minutes: int = rules(range=(1, 600))
    attendance: str = one_of(v.ATTENDANCES)
    modality: str = one_of(v.MODALITIES)
    goals: tuple[GoalRating, ...]
    measures: SessionMeasures
    next_session_at: datetime | None


@event_data
class SharingChanged:
    """A client's consent to sharing with partners: every partner, none, or the partners listed (the only
    case with `partner_ids`). A client without one shares with every partner."""
    client_id: str = identifier()
    scope: str = one_of(v.SHARING_SCOPES)
    partner_ids: tuple[str, ...] = rules(length=(None, 50))
    changed_at: datetime


# --- reminders-events ----------------------------------------------------------------------


@event_data
class ReminderSent:
    reminder_id: str = identifier()
    client_id: str = identifier()
    kind: str = one_of(v.REMINDER_KINDS)
    goal_id: str | None = identifier()
    milestone_id: str | None = identifier()
    session_id: str | None = identifier()
    due_at: datetime
    attempted_at: datetime
    attempts: int = rules(range=(1, None))


@event_data
class ReminderFailed(ReminderSent):
    error: str = rules(length=(None, 100))
