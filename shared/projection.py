"""Projections: handlers per event type that return idempotent changes.

A handler never writes; it returns :class:`Upsert`, :class:`UpdateWhere` or
:class:`InsertIfAbsent` values. The runtime turns them into bulk writes and adds
the idempotency guard in one place: each touched document records, per
aggregate, the last sequence applied (``applied.<subject>``), and an update only
matches while that sequence is lower. A redelivered or replayed event therefore
matches nothing and changes nothing. This uses only operators that MongoDB and
FerretDB share (no transactions, no aggregation pipelines).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from pymongo import UpdateMany, UpdateOne
from pymongo.database import Database

from shared.events.envelope import CloudEvent


@dataclass(frozen=True)
class Upsert:
    """Apply `update` to document `_id`, creating it (with `on_insert` fields) if absent."""
    collection: str
    id: Any
    update: dict
    on_insert: dict = field(default_factory=dict)


@dataclass(frozen=True)
class UpdateWhere:
    """Apply `update` to every existing document matching `filter`."""
    collection: str
    filter: dict
    update: dict


@dataclass(frozen=True)
class InsertIfAbsent:
    """Insert `document` unless a document with its `_id` exists (naturally idempotent)."""
    collection: str
    document: dict


Change = Upsert | UpdateWhere | InsertIfAbsent


@dataclass
class Context:
    """What a handler may read: the projection's database and whether this is a rebuild."""
    db: Database
    replaying: bool = False
    names: dict[str, str] = field(default_factory=dict)  # logical -> physical collection

    def collection(self, name: str):
        return self.db[self.names.get(name, name)]


Handler = Callable[[CloudEvent, Context], Iterable[Change]]


@dataclass(frozen=True)
class Projection:
    name: str                          # also the consumer group id
    topics: tuple[str, ...]
    collections: tuple[str, ...]       # logical names; a rebuild swaps each of them
    handlers: dict[str, Handler]
    setup: Callable[[Context], None] = lambda ctx: None  # indexes

    def handles(self, event_type: str) -> bool:
        return event_type in self.handlers


def _guarded(event: CloudEvent, update: dict) -> tuple[dict, dict]:
    marker = f"applied.{event.subject}"
    guard = {marker: {"$not": {"$gte": event.sequence}}}
    return guard, {**update, "$set": {**update.get("$set", {}), marker: event.sequence}}


def to_operations(event: CloudEvent, change: Change) -> list:
    if isinstance(change, InsertIfAbsent):
        return [UpdateOne({"_id": change.document["_id"]}, {"$setOnInsert": change.document}, upsert=True)]
    guard, update = _guarded(event, change.update)
    if isinstance(change, Upsert):
        return [UpdateOne({"_id": change.id}, {"$setOnInsert": {"applied": {}, **change.on_insert}}, upsert=True),
                UpdateOne({"_id": change.id, **guard}, update)]
    return [UpdateMany({**change.filter, **guard}, update)]


# FerretDB 1.24 (SQLite) holds one pooled connection per single-document update that
# matches until the whole update command ends, and a database's pool has 100: a
# command modifying ~100 documents (or several concurrent ones) waits forever.
# Bulks are therefore cut into commands of at most this many operations.
MAX_OPERATIONS_PER_COMMAND = 25


def write_batch(ctx: Context, changes: list[tuple[CloudEvent, Change]]) -> None:
    """Bulk-write the changes, ordered per collection (order within a collection kept), in small commands."""
    by_collection: dict[str, list] = defaultdict(list)
    for event, change in changes:
        by_collection[change.collection].extend(to_operations(event, change))
    for name, operations in by_collection.items():
        for start in range(0, len(operations), MAX_OPERATIONS_PER_COMMAND):
            ctx.collection(name).bulk_write(operations[start:start + MAX_OPERATIONS_PER_COMMAND], ordered=True)
