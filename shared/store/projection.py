"""Projections: handlers per event type that return idempotent changes.

A handler never writes; it returns :class:`Upsert`, :class:`UpdateWhere` or
:class:`InsertIfAbsent` values. The runtime turns them into bulk writes and adds
the idempotency guard in one place. No transactions are needed: every write is
a single-document update or upsert. Two guards exist:

- **By subject** (the default): each touched document records, per aggregate,
  the last sequence applied (``applied.<subject>``), and an update only matches
  while that sequence is lower. A redelivered, replayed or republished event
  therefore matches nothing and changes nothing. The map grows by one key per
  subject that ever changed the document: right for documents of one client.
- **By position** (``Upsert(..., guard=BY_POSITION)``), for documents that the
  events of many subjects write (a clinic's aggregates), whose size must not grow
  with the number of subjects: the document records, per Kafka partition, the
  highest offset applied to it (``applied_offsets.<topic>:<partition>``), so its
  bookkeeping is bounded by the number of partitions. An event read at a
  position at or below the stored offset was already applied to the document.
  This holds because a consumer group gives each partition to one consumer at a
  time, which applies its records in offset order and commits offsets only after
  writing them: a redelivery starts at or before the first unapplied record, and
  a rebuild replays into fresh collections. Every event of such a change must
  carry its :class:`~shared.contract.envelope.Position` (the consumer runtime sets
  it). A batch reads the documents it touches (by ``_id``), combines per document
  exactly the changes above the stored offsets, and updates each document on the
  condition that its stored offsets are still those it read, re-reading and
  recomputing the documents whose condition failed; so a redelivered batch cut
  differently from the first delivery applies each record once. It does not
  recognise the same event published twice at two offsets: a handler that uses it
  must tell such a copy from a redelivery itself (services/reports keeps the
  position of each event in the client's log).

Rule for handlers: at most one change per document per event (a second one would
meet the guard the first one set). A batch is written in few commands, with the
same result as one event at a time (shared.store.batchwrite).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable
from urllib.parse import quote

from pymongo import UpdateMany, UpdateOne
from pymongo.database import Database

from shared.store import indexes
from shared.store.batchwrite import combine_run, document_key, existing_ids, write_combined
from shared.contract.envelope import CloudEvent, Position
from shared.store.indexes import Indexes
from shared.store.updates import combine

BY_SUBJECT, BY_POSITION = "subject", "position"
OFFSETS = "applied_offsets"
CONFLICT_RETRIES = 5  # a failed condition means another writer of the same partition: a rebalance's overlap


@dataclass(frozen=True)
class Upsert:
    """Apply `update` to document `_id`, creating it (with `on_insert` fields) if absent."""
    collection: str
    id: Any
    update: dict
    on_insert: dict = field(default_factory=dict)
    guard: str = BY_SUBJECT  # or BY_POSITION, for documents many subjects write (module docstring)


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
    indexes: Indexes = Indexes()       # the service's declarations (shared.store.indexes); its collections' are made
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
    """Write the changes, per collection in their order, in few commands (see shared.store.batchwrite)."""
    by_collection: dict[str, list] = defaultdict(list)
    for event, change in changes:
        by_collection[change.collection].append((event, change))
    for name, items in by_collection.items():
        by_position = [_by_position(event, change) for event, change in items]
        if all(by_position):
            write_by_position(ctx.collection(name), items)
        elif any(by_position):
            raise ValueError(f"{name}: a collection is guarded either by position or by subject, not both")
        else:
            _write_collection(ctx.collection(name), items)


def _by_position(event: CloudEvent, change: Change) -> bool:
    if not (isinstance(change, Upsert) and change.guard == BY_POSITION):
        return False
    if event.position is None:
        raise ValueError(f"{change.collection}: a change guarded by position needs the event's position")
    return True


def position_key(position: Position) -> str:
    """`<topic>:<partition>` as a document key (a topic may contain '.', which a key may not)."""
    return quote(f"{position.topic}:{position.partition}", safe=":").replace(".", "%2E")


def write_by_position(collection, items: list[tuple[CloudEvent, Upsert]]) -> None:
    """Apply each change whose event is above its document's stored offset for the event's partition.

    One read of the touched documents' offsets, the creation of the missing ones,
    then one conditional update per document (its changes combined); documents
    whose offsets moved meanwhile are read and computed again.
    """
    by_document: dict = defaultdict(list)
    for event, change in items:
        by_document[document_key(change.id)].append((event, change))
    pending = dict(by_document)
    for _ in range(CONFLICT_RETRIES):
        stored = _stored_offsets(collection, [changes[0][1] for changes in pending.values()])
        operations = {key: _position_operations(changes, stored[key]) for key, changes in pending.items()}
        operations = {key: ops for key, ops in operations.items() if ops}
        if not operations:
            return
        result = collection.bulk_write([op for ops in operations.values() for op in ops], ordered=True)
        if result.matched_count == sum(len(ops) for ops in operations.values()):
            return
        pending = {key: by_document[key] for key in operations}  # the applied ones are skipped on the next round
    raise RuntimeError(f"{collection.name}: offsets kept moving under the batch's updates")


def _stored_offsets(collection, changes: list[Upsert]) -> dict:
    """{document key: {partition key: offset}} of the documents, creating the missing ones."""
    found = {document_key(doc["_id"]): doc.get(OFFSETS, {})
             for doc in collection.find({"_id": {"$in": [change.id for change in changes]}}, {OFFSETS: 1})}
    missing = [change for change in changes if document_key(change.id) not in found]
    if missing:
        collection.bulk_write([UpdateOne({"_id": change.id}, {"$setOnInsert": {OFFSETS: {}, **change.on_insert}},
                                         upsert=True) for change in missing], ordered=False)
    return {document_key(change.id): found.get(document_key(change.id), {}) for change in changes}


def _position_operations(changes: list[tuple[CloudEvent, Upsert]], stored: dict) -> list[UpdateOne]:
    """The document's unapplied changes as few updates, each conditional on the offsets the previous one leaves."""
    offsets = dict(stored)
    operations: list[UpdateOne] = []
    update, expected, marks = None, {}, {}
    for event, change in changes:
        key = position_key(event.position)
        if event.position.offset <= offsets.get(key, -1):
            continue
        merged = change.update if update is None else combine(update, change.update)
        if merged is None:  # not one update: write what is combined so far, then go on from its offsets
            operations.append(_conditional(change.id, update, expected, marks))
            expected, marks, merged = {**expected, **marks}, {}, change.update
        update = merged
        expected.setdefault(key, offsets.get(key))
        marks[key] = offsets[key] = event.position.offset
    if update is not None:
        operations.append(_conditional(change.id, update, expected, marks))
    return operations


def _conditional(document_id, update: dict, expected: dict, marks: dict) -> UpdateOne:
    """`update` on the document if its offsets are still `expected` (None: absent), recording `marks`."""
    condition = {f"{OFFSETS}.{key}": offset for key, offset in expected.items()}
    recorded = {f"{OFFSETS}.{key}": offset for key, offset in marks.items()}
    return UpdateOne({"_id": document_id, **condition}, {**update, "$set": {**update.get("$set", {}), **recorded}})


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
