"""Projections: handlers per event type that return idempotent changes.

A handler never writes; it returns :class:`Upsert`, :class:`UpdateWhere` or
:class:`InsertIfAbsent` values. The runtime turns them into bulk writes and adds
the idempotency guard in one place: each touched document records, per
aggregate, the last sequence applied (``applied.<subject>``), and an update only
matches while that sequence is lower. A redelivered or replayed event therefore
matches nothing and changes nothing. No transactions are needed: every write is
a single-document update or upsert.

Rule for handlers: at most one change per document per event (a second one would
meet the guard the first one set). A batch is written in few commands, with the
same result as one event at a time (shared.batchwrite).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from pymongo import UpdateMany, UpdateOne
from pymongo.database import Database

from shared import indexes
from shared.batchwrite import combine_run, document_key, existing_ids, write_combined
from shared.events.envelope import CloudEvent
from shared.indexes import Indexes


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
    indexes: Indexes = Indexes()       # the service's declarations (shared.indexes); its collections' are made
    # called with a batch's events before its handlers, e.g. to read in one query what they will look up
    prepare: Callable[[Context, list[CloudEvent]], None] = lambda ctx, events: None

    def handles(self, event_type: str) -> bool:
        return event_type in self.handlers

    def setup(self, ctx: Context) -> None:
        """Create the indexes of the projection's collections (a rebuild's fresh ones too)."""
        indexes.ensure(ctx.db, self.indexes.only(self.collections), ctx.names)


def _guarded(event: CloudEvent, update: dict) -> tuple[dict, dict]:
    marker = f"applied.{event.subject}"
    guard = {marker: {"$not": {"$gte": event.sequence}}}
    return guard, {**update, "$set": {**update.get("$set", {}), marker: event.sequence}}


def _create(change: Upsert) -> UpdateOne:
    return UpdateOne({"_id": change.id}, {"$setOnInsert": {"applied": {}, **change.on_insert}}, upsert=True)


def guarded_operations(event: CloudEvent, change: Change) -> list:
    """The change's operations without the create-if-absent of an Upsert."""
    if isinstance(change, InsertIfAbsent):
        return [UpdateOne({"_id": change.document["_id"]}, {"$setOnInsert": change.document}, upsert=True)]
    guard, update = _guarded(event, change.update)
    if isinstance(change, Upsert):
        return [UpdateOne({"_id": change.id, **guard}, update)]
    return [UpdateMany({**change.filter, **guard}, update)]


def to_operations(event: CloudEvent, change: Change) -> list:
    """The change's operations, one change at a time (an Upsert first creates its document if absent)."""
    return ([_create(change)] if isinstance(change, Upsert) else []) + guarded_operations(event, change)


def write_batch(ctx: Context, changes: list[tuple[CloudEvent, Change]]) -> None:
    """Write the changes, per collection in their order, in few commands (see shared.batchwrite)."""
    by_collection: dict[str, list] = defaultdict(list)
    for event, change in changes:
        by_collection[change.collection].append((event, change))
    for name, items in by_collection.items():
        _write_collection(ctx.collection(name), items)


def _write_collection(collection, items: list) -> None:
    existing = existing_ids(collection, [change.id for _, change in items if isinstance(change, Upsert)])
    for run in _runs(items):
        if not isinstance(run[0][1], Upsert):
            collection.bulk_write([op for event, change in run for op in guarded_operations(event, change)])
            continue
        combined = combine_run(run)
        missing = {document_key(c.id): c for c in combined if document_key(c.id) not in existing}
        creates = {key: _create(c.changes[0][1]) for key, c in missing.items()}
        if creates:
            collection.bulk_write(list(creates.values()))
        existing.update(creates)
        write_combined(collection, combined, guarded_operations)


def _runs(items: list) -> list[list]:
    """Consecutive Upserts together, consecutive other changes together, in order.

    An UpdateWhere may touch any document, so Upserts are never combined across one.
    """
    runs: list[list] = []
    for item in items:
        if runs and isinstance(item[1], Upsert) == isinstance(runs[-1][-1][1], Upsert):
            runs[-1].append(item)
        else:
            runs.append([item])
    return runs
