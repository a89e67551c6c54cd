"""The registry of event types: each type once, with its topic, the data class of each version, upcasters.

Adding an event type or a version is its data class (shared.contract.events), its
name (shared.contract.types), one entry here and its golden payload; the schemas are
generated from the classes. Consumers call :func:`upcast` so handlers only ever see
the current version.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Callable

from marshmallow import Schema

from shared.contract import events as e
from shared.contract import types as t
from shared.contract.codec import from_data
from shared.contract.envelope import CloudEvent
from shared.contract.schemas import schema_of
from shared.messaging.topics import GOALS_EVENTS, REMINDERS_EVENTS

Upcaster = Callable[[dict], dict]


class ContractError(ValueError):
    """An event breaks the contract: unknown version or data invalid for its schema."""


@dataclass(frozen=True)
class EventType:
    name: str
    topic: str
    versions: dict[int, type]  # the data class of each version (shared.contract.events)
    upcasters: dict[int, Upcaster] = field(default_factory=dict)  # from version n to n + 1

    @property
    def current_version(self) -> int:
        return max(self.versions)

    @property
    def current(self) -> type:
        """The data class of the current version: what producers build and consumers get."""
        return self.versions[self.current_version]

    @property
    def schemas(self) -> dict[int, type[Schema]]:
        """The marshmallow schema of each version's data, generated from its class."""
        return {version: schema_of(data) for version, data in self.versions.items()}


def _goal_created_v1_to_v2(data: dict) -> dict:
    return {**data, "gas_levels": None, "practice_rrule": None}


EVENT_TYPES: dict[str, EventType] = {kind.name: kind for kind in (
    EventType(t.GOAL_CREATED, GOALS_EVENTS, {1: e.GoalCreatedV1, 2: e.GoalCreated}, {1: _goal_created_v1_to_v2}),
    EventType(t.MILESTONE_ADDED, GOALS_EVENTS, {1: e.MilestoneAdded}),
    EventType(t.MILESTONE_REACHED, GOALS_EVENTS, {1: e.MilestoneReached}),
    EventType(t.GOAL_STATUS_CHANGED, GOALS_EVENTS, {1: e.GoalStatusChanged}),
    EventType(t.GOAL_REVISED, GOALS_EVENTS, {1: e.GoalRevised}),
    EventType(t.SESSION_LOGGED, GOALS_EVENTS, {1: e.SessionLogged}),
    EventType(t.SHARING_CHANGED, GOALS_EVENTS, {1: e.SharingChanged}),
    EventType(t.REMINDER_SENT, REMINDERS_EVENTS, {1: e.ReminderSent}),
    EventType(t.REMINDER_FAILED, REMINDERS_EVENTS, {1: e.ReminderFailed}),
)}
_OF_DATA_CLASS = {kind.current: kind for kind in EVENT_TYPES.values()}


def event_type(name: str) -> EventType:
    try:
        return EVENT_TYPES[name]
    except KeyError:
        raise ContractError(f"unknown event type {name!r}") from None


def type_of(data) -> EventType:
    """The registered type whose current version's data `data` is (an instance of shared.contract.events)."""
    try:
        return _OF_DATA_CLASS[type(data)]
    except KeyError:
        raise ContractError(f"{type(data).__name__} is the data of no current event version") from None


def data_of(event: CloudEvent):
    """The event's data as an instance of its version's data class (upcast the event first for the current one)."""
    return from_data(_data_class(event.type, event.schemaversion), event.data)


def validate(name: str, version: int, data: dict) -> None:
    """Raise ContractError unless `data` is valid for (name, version)."""
    errors = _schema(name, version).validate(data)
    if errors:
        raise ContractError(f"{name} v{version} invalid: {errors}")


@functools.cache
def _schema(name: str, version: int) -> Schema:
    """One schema instance per (type, version): building one costs more than validating with it."""
    return schema_of(_data_class(name, version))()


def _data_class(name: str, version: int) -> type:
    data = event_type(name).versions.get(version)
    if data is None:
        raise ContractError(f"unknown version {version} of {name!r}")
    return data


def upcast(event: CloudEvent) -> CloudEvent:
    """Validate the event at its version, then lift it to the current version."""
    kind = event_type(event.type)
    validate(event.type, event.schemaversion, event.data)
    data, version = event.data, event.schemaversion
    while version < kind.current_version:
        data, version = kind.upcasters[version](data), version + 1
    return event if version == event.schemaversion else event.with_data(data, version)
