"""Projections: handlers per event type that return idempotent changes, and the one writer of those changes.

A handler never writes; it returns :class:`Upsert`, :class:`UpdateWhere` or
:class:`InsertIfAbsent` values, and :func:`write_batch` turns them into bulk
writes under the idempotency guard, here and only here. A handler takes
``(event)``, or ``(event, ctx)`` when it reads the :class:`Context` (decided once,
when the :class:`Projection` is built). No transactions are needed: every write
is a single-document update or upsert. Two guards exist:

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
  it). It does not recognise the same event published twice at two offsets: a
  handler that uses it must tell such a copy from a redelivery itself
  (services/reports keeps the position of each event in the client's log).

Rules for handlers: at most one change per document per event (a second one would
meet the guard the first one set), and no update of the guards' own fields
(``applied``, ``applied_offsets``).

A batch is written per collection, in the batch's order, in few commands with the
same result as one event at a time:

- by subject: one ``find`` tells which upserted documents exist already, and only
  the missing ones are created (once per batch). A run of ``Upsert`` changes
  becomes one guarded update per document: the changes of several events to one
  document are combined (shared.store.updates) and the guard requires every one of
  their aggregates to be below its first sequence. ``UpdateWhere`` and
  ``InsertIfAbsent`` end a run and are written as they are, so the order of
  changes to any document is kept. A combined update applies all its events or
  none: if a run's updates match fewer documents than they target (some of their
  events were applied before, e.g. a redelivered batch cut differently), its
  changes are written again one by one, each under its own guard, so those applied
  are skipped and the others applied;
- by position: one read of the touched documents' offsets (creating the missing
  documents), then per document one update of its changes above the stored
  offsets, combined, on the condition that its stored offsets are still those it
  read; the documents whose condition failed (another writer of the partition, in
  a rebalance's overlap) are read and computed again.

Each step is one ordered ``bulk_write`` of any size (pymongo splits it into
commands of the server's maxWriteBatchSize).
"""
from __future__ import annotations

import inspect
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, cast
from urllib.parse import quote

from pymongo import UpdateMany, UpdateOne
from pymongo.collection import Collection
from pymongo.database import Database

from shared.contract.envelope import CloudEvent, Position
from shared.store import indexes
from shared.store.indexes import Indexes
from shared.store.updates import combine

BY_SUBJECT, BY_POSITION = "subject", "position"
APPLIED = "applied"          # the guard by subject: {subject: last sequence applied}
OFFSETS = "applied_offsets"  # the guard by position: {"<topic>:<partition>": highest offset applied}
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
Changes = list[tuple[CloudEvent, Change]]  # each change with the event it is for, in the batch's order


@dataclass
class Context:
    """What a handler may read: the projection's database and whether this is a rebuild."""
    db: Database
    replaying: bool = False
    names: dict[str, str] = field(default_factory=dict)  # logical -> physical collection

    def collection(self, name: str) -> Collection:
        return self.db[self.names.get(name, name)]


Handler = Callable[..., Iterable[Change]]  # (event) or (event, ctx)
Prepare = Callable[[Context, list[CloudEvent]], None]


def _prepare_nothing(ctx: Context, events: list[CloudEvent]) -> None:
    pass


@dataclass(frozen=True)
class Projection:
    name: str                          # also the consumer group id
    topics: tuple[str, ...]
    collections: tuple[str, ...]       # logical names; a rebuild swaps each of them
    handlers: dict[str, Handler]
    indexes: Indexes = Indexes()       # the service's declarations (shared.store.indexes); its collections' are made
    # called with a batch's events before its handlers, e.g. to read in one query what they will look up
    prepare: Prepare = _prepare_nothing
    # called with a batch's events once their changes are written, for work that reads the written state (the
    # partners router appends feed entries); it is retried with the batch, so it must be idempotent too
    after: Prepare = _prepare_nothing
    _calls: dict[str, tuple[Handler, bool]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        calls = {event_type: (handler, _takes_context(handler)) for event_type, handler in self.handlers.items()}
        object.__setattr__(self, "_calls", calls)

    def handles(self, event_type: str) -> bool:
        return event_type in self.handlers

    def changes(self, events: list[CloudEvent], ctx: Context) -> Changes:
        """The handlers' changes of the events, in order (a batch calls `prepare` with the events first)."""
        changes: Changes = []
        for event in events:
            handler, with_context = self._calls[event.type]
            for change in handler(event, ctx) if with_context else handler(event):
                changes.append((event, change))
        return changes

    def setup(self, ctx: Context) -> None:
        """Create the indexes of the projection's collections (a rebuild's fresh ones too)."""
        indexes.ensure(ctx.db, self.indexes.only(self.collections), ctx.names)


def _takes_context(handler: Handler) -> bool:
    """Whether the handler is called `handler(event, ctx)` (it takes two arguments) or `handler(event)`."""
    signature = inspect.signature(handler)
    for arguments, with_context in (((None, None), True), ((None,), False)):
        try:
            signature.bind(*arguments)
            return with_context
        except TypeError:
            continue
    raise TypeError(f"a handler takes (event) or (event, ctx), not {signature}: {handler!r}")


def write_batch(ctx: Context, changes: Changes) -> None:
    """Write the changes, per collection in their order, in few commands (module docstring)."""
    by_collection: dict[str, Changes] = defaultdict(list)
    for event, change in changes:
        by_collection[change.collection].append((event, change))
    for name, items in by_collection.items():
        positioned = [(event.position, change) for event, change in items
                      if isinstance(change, Upsert) and change.guard == BY_POSITION and event.position is not None]
        if len(positioned) == len(items):
            _write_by_position(ctx.collection(name), positioned)
        elif positioned or any(isinstance(change, Upsert) and change.guard == BY_POSITION for _, change in items):
            raise ValueError(f"{name}: a collection guarded by position takes only Upserts guarded by position, "
                             "each of an event with its position")
        else:
            _write_by_subject(ctx.collection(name), items)


def document_key(document_id: Any) -> Any:
    """A hashable stand-in for a document id (ids may be documents)."""
    try:
        hash(document_id)
        return document_id
    except TypeError:
        return repr(document_id)


# The guard by subject

def _guarded(filter_: dict, update: dict, sequences: dict[str, tuple[int, int]]) -> tuple[dict, dict]:
    """`filter_` while each subject's applied sequence is below its first one; `update` recording the last ones."""
    guard = {f"{APPLIED}.{subject}": {"$not": {"$gte": first}} for subject, (first, _) in sequences.items()}
    marks = {f"{APPLIED}.{subject}": last for subject, (_, last) in sequences.items()}
    return {**filter_, **guard}, {**update, "$set": {**update.get("$set", {}), **marks}}


def _alone(event: CloudEvent, change: Change) -> UpdateOne | UpdateMany:
    """The change on its own, under its event's guard (an Upsert's document exists already)."""
    if isinstance(change, InsertIfAbsent):
        return UpdateOne({"_id": change.document["_id"]}, {"$setOnInsert": change.document}, upsert=True)
    sequences = {event.subject: (event.sequence, event.sequence)}
    if isinstance(change, Upsert):
        return UpdateOne(*_guarded({"_id": change.id}, change.update, sequences))
    return UpdateMany(*_guarded(change.filter, change.update, sequences))


class _Combined:
    """Several events' changes to one document as one update, guarded by each subject's first sequence."""
    __slots__ = ("id", "update", "changes", "sequences")

    def __init__(self, event: CloudEvent, change: Upsert):
        _refuse_bookkeeping(change)
        self.id, self.update, self.changes = change.id, change.update, [(event, change)]
        self.sequences = {event.subject: (event.sequence, event.sequence)}  # subject -> (first, last)

    def absorb(self, event: CloudEvent, change: Upsert) -> bool:
        """Add the change if one update can still say it all (never two changes of one event)."""
        _refuse_bookkeeping(change)
        seen = self.sequences.get(event.subject)
        if seen is not None and event.sequence <= seen[1]:
            return False
        update = combine(self.update, change.update)
        if update is None:
            return False
        self.update = update
        self.sequences[event.subject] = (event.sequence if seen is None else seen[0], event.sequence)
        self.changes.append((event, change))
        return True

    def operation(self) -> UpdateOne:
        return UpdateOne(*_guarded({"_id": self.id}, self.update, self.sequences))


def _refuse_bookkeeping(change: Upsert) -> None:
    if any(path == APPLIED or path.startswith(APPLIED + ".") for fields in change.update.values() for path in fields):
        raise ValueError(f"{change.collection}: a change may not update the guard's {APPLIED!r}")


def _write_by_subject(collection: Collection, items: Changes) -> None:
    existing = _existing_keys(collection, [change.id for _, change in items if isinstance(change, Upsert)])
    for run in _runs(items):
        if isinstance(run[0][1], Upsert):
            _write_upserts(collection, cast(list[tuple[CloudEvent, Upsert]], run), existing)
        else:
            collection.bulk_write([_alone(event, change) for event, change in run])


def _write_upserts(collection: Collection, run: list[tuple[CloudEvent, Upsert]], existing: set) -> None:
    """Create the run's missing documents, then write one combined update per document (or each change alone)."""
    combined = _combine(run)
    creates = {}
    for document in combined:
        key = document_key(document.id)
        if key not in existing and key not in creates:
            first = document.changes[0][1]
            creates[key] = UpdateOne({"_id": first.id}, {"$setOnInsert": {APPLIED: {}, **first.on_insert}},
                                     upsert=True)
    if creates:
        collection.bulk_write(list(creates.values()))
        existing.update(creates)
    result = collection.bulk_write([document.operation() for document in combined], ordered=True)
    if result.matched_count < len(combined):
        collection.bulk_write([_alone(event, change) for document in combined for event, change in document.changes],
                              ordered=True)


def _combine(run: list[tuple[CloudEvent, Upsert]]) -> list[_Combined]:
    """The run's Upserts as combined updates, each document's in order."""
    combined: list[_Combined] = []
    latest: dict[Any, _Combined] = {}
    for event, change in run:
        key = document_key(change.id)
        current = latest.get(key)
        if current is None or not current.absorb(event, change):
            latest[key] = current = _Combined(event, change)
            combined.append(current)
    return combined


def _existing_keys(collection: Collection, ids: list) -> set:
    """The keys of the documents among `ids` that exist (one query)."""
    if not ids:
        return set()
    return {document_key(doc["_id"]) for doc in collection.find({"_id": {"$in": ids}}, {"_id": 1})}


def _runs(items: Changes) -> list[Changes]:
    """Consecutive Upserts together, consecutive other changes together, in order.

    An UpdateWhere may touch any document, so Upserts are never combined across one.
    """
    runs: list[Changes] = []
    for item in items:
        if runs and isinstance(item[1], Upsert) == isinstance(runs[-1][-1][1], Upsert):
            runs[-1].append(item)
        else:
            runs.append([item])
    return runs


# The guard by position

def position_key(position: Position) -> str:
    """`<topic>:<partition>` as a document key (a topic may contain '.', which a key may not)."""
    return quote(f"{position.topic}:{position.partition}", safe=":").replace(".", "%2E")


def _write_by_position(collection: Collection, items: list[tuple[Position, Upsert]]) -> None:
    """Apply each change whose position is above its document's stored offset for the position's partition."""
    by_document: dict[Any, list[tuple[Position, Upsert]]] = defaultdict(list)
    for position, change in items:
        by_document[document_key(change.id)].append((position, change))
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


def _stored_offsets(collection: Collection, changes: list[Upsert]) -> dict:
    """{document key: {partition key: offset}} of the documents, creating the missing ones."""
    found = {document_key(doc["_id"]): doc.get(OFFSETS, {})
             for doc in collection.find({"_id": {"$in": [change.id for change in changes]}}, {OFFSETS: 1})}
    missing = [change for change in changes if document_key(change.id) not in found]
    if missing:
        collection.bulk_write([UpdateOne({"_id": change.id}, {"$setOnInsert": {OFFSETS: {}, **change.on_insert}},
                                         upsert=True) for change in missing], ordered=False)
    return {document_key(change.id): found.get(document_key(change.id), {}) for change in changes}


def _position_operations(changes: list[tuple[Position, Upsert]], stored: dict) -> list[UpdateOne]:
    """The document's unapplied changes as few updates, each conditional on the offsets the previous one leaves."""
    offsets = dict(stored)
    operations: list[UpdateOne] = []
    update: dict | None = None
    expected: dict[str, int | None] = {}
    marks: dict[str, int] = {}
    for position, change in changes:
        key = position_key(position)
        if position.offset <= offsets.get(key, -1):
            continue
        if update is None:
            update = change.update
        else:
            merged = combine(update, change.update)
            if merged is None:  # not one update: write what is combined so far, then go on from its offsets
                operations.append(_conditional(change.id, update, expected, marks))
                expected, marks, merged = {**expected, **marks}, {}, change.update
            update = merged
        expected.setdefault(key, offsets.get(key))
        marks[key] = offsets[key] = position.offset
    if update is not None:
        operations.append(_conditional(changes[0][1].id, update, expected, marks))
    return operations


def _conditional(document_id: Any, update: dict, expected: dict, marks: dict) -> UpdateOne:
    """`update` on the document if its offsets are still `expected` (None: absent), recording `marks`."""
    condition = {f"{OFFSETS}.{key}": offset for key, offset in expected.items()}
    recorded = {f"{OFFSETS}.{key}": offset for key, offset in marks.items()}
    return UpdateOne({"_id": document_id, **condition}, {**update, "$set": {**update.get("$set", {}), **recorded}})
