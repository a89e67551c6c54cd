"""The registry of event types: topic, schema per version, upcasters to the current version.

Adding an event type or a version is one entry here plus its schema and golden
payload. Consumers call :func:`upcast` so handlers only ever see the current version.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Callable

from marshmallow import Schema

from shared.contract import schemas as s
from shared.contract import types as t
from shared.contract.envelope import CloudEvent
from shared.messaging.topics import GOALS_EVENTS, REMINDERS_EVENTS

Upcaster = Callable[[dict], dict]


class ContractError(ValueError):
    """An event breaks the contract: unknown version or data invalid for its schema."""


@dataclass(frozen=True)
class EventType:
    name: str
    topic: str
    schemas: dict[int, type[Schema]]
    upcasters: dict[int, Upcaster] = field(default_factory=dict)  # from version n to n + 1

    @property
    def current_version(self) -> int:
        return max(self.schemas)


def _goal_created_v1_to_v2(data: dict) -> dict:
    return {**data, "gas_levels": None, "practice_rrule": None}


EVENT_TYPES: dict[str, EventType] = {kind.name: kind for kind in (
    EventType(t.GOAL_CREATED, GOALS_EVENTS, {1: s.GoalCreatedV1, 2: s.GoalCreatedV2}, {1: _goal_created_v1_to_v2}),
    EventType(t.MILESTONE_ADDED, GOALS_EVENTS, {1: s.MilestoneAddedV1}),
    EventType(t.MILESTONE_REACHED, GOALS_EVENTS, {1: s.MilestoneReachedV1}),
    EventType(t.GOAL_STATUS_CHANGED, GOALS_EVENTS, {1: s.GoalStatusChangedV1}),
    EventType(t.GOAL_REVISED, GOALS_EVENTS, {1: s.GoalRevisedV1}),
    EventType(t.SESSION_LOGGED, GOALS_EVENTS, {1: s.SessionLoggedV1}),
    EventType(t.REMINDER_SENT, REMINDERS_EVENTS, {1: s.ReminderSentV1}),
    EventType(t.REMINDER_FAILED, REMINDERS_EVENTS, {1: s.ReminderFailedV1}),
)}


def event_type(name: str) -> EventType:
    try:
        return EVENT_TYPES[name]
    except KeyError:
        raise ContractError(f"unknown event type {name!r}") from None


def validate(name: str, version: int, data: dict) -> None:
    """Raise ContractError unless `data` is valid for (name, version)."""
    errors = _schema(name, version).validate(data)
    if errors:
        raise ContractError(f"{name} v{version} invalid: {errors}")


@functools.cache
def _schema(name: str, version: int) -> Schema:
    """One schema instance per (type, version): building one costs more than validating with it."""
    schema = event_type(name).schemas.get(version)
    if schema is None:
        raise ContractError(f"unknown version {version} of {name!r}")
    return schema()


def upcast(event: CloudEvent) -> CloudEvent:
    """Validate the event at its version, then lift it to the current version."""
    kind = event_type(event.type)
    validate(event.type, event.schemaversion, event.data)
    data, version = event.data, event.schemaversion
    while version < kind.current_version:
        data, version = kind.upcasters[version](data), version + 1
    return event if version == event.schemaversion else event.with_data(data, version)
