"""How a batch of guarded changes becomes few update commands, with the same result.

Per collection, in the batch's order:
- one ``find`` tells which upserted documents exist already: only the missing
  ones get a create-if-absent operation, once per batch;
- a run of ``Upsert`` changes becomes one guarded update per document: the
  changes of several events to one document are combined (shared.store.updates) and
  the guard requires every one of their aggregates to be below its first
  sequence; ``UpdateWhere`` and ``InsertIfAbsent`` end a run and are written as
  they are, so the order of changes to any document is kept;
- a combined update applies all its events or none. If a run's updates match
  fewer documents than they target (some of their events were applied before,
  e.g. a redelivered batch cut differently), its changes are written again one
  by one, each with its own guard: those applied are skipped, the others applied.

Each step is one ordered ``bulk_write`` of any size (pymongo splits it into
commands of the server's maxWriteBatchSize).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pymongo import UpdateOne

from shared.contract.envelope import CloudEvent
from shared.store.updates import combine

@dataclass
class Combined:
    """Several events' changes to one document, as one guarded update."""
    id: Any
    update: dict
    changes: list = field(default_factory=list)       # (event, change): the fallback writes them one by one
    sequences: dict = field(default_factory=dict)     # subject -> (first, last) sequence

    def absorb(self, event: CloudEvent, change) -> bool:
        """Add the change if one update can still say it all (never two changes of one event)."""
        if any(seen is event or (seen.subject, seen.sequence) == (event.subject, event.sequence)
               for seen, _ in self.changes):
            return False
        update = combine(self.update, change.update) if self.changes else change.update
        if update is None or any(path == "applied" or path.startswith("applied.")
                                 for fields in update.values() for path in fields):
            return False
        first, _ = self.sequences.get(event.subject, (event.sequence, None))
        self.update, self.sequences[event.subject] = update, (first, event.sequence)
        self.changes.append((event, change))
        return True

    def operation(self) -> UpdateOne:
        guard = {f"applied.{subject}": {"$not": {"$gte": first}} for subject, (first, _) in self.sequences.items()}
        markers = {f"applied.{subject}": last for subject, (_, last) in self.sequences.items()}
        return UpdateOne({"_id": self.id, **guard},
                         {**self.update, "$set": {**self.update.get("$set", {}), **markers}})


def combine_run(run: list) -> list[Combined]:
    """The run's (event, Upsert) changes as combined updates, each document's in order."""
    combined: list[Combined] = []
    latest: dict = {}
    for event, change in run:
        key = document_key(change.id)
        current = latest.get(key)
        if current is None or not current.absorb(event, change):
            current = Combined(change.id, {})
            current.absorb(event, change)
            combined.append(current)
            latest[key] = current
    return combined


def document_key(document_id: Any):
    """A hashable stand-in for a document id (ids may be documents)."""
    try:
        hash(document_id)
        return document_id
    except TypeError:
        return repr(document_id)


def existing_ids(collection, ids: list) -> set:
    """The keys of the documents among `ids` that exist (one query)."""
    if not ids:
        return set()
    return {document_key(doc["_id"]) for doc in collection.find({"_id": {"$in": ids}}, {"_id": 1})}


def write_combined(collection, combined: list[Combined], guarded_operations) -> None:
    """Write the combined updates; if they matched less than all, write them again change by change."""
    if not combined:
        return
    result = collection.bulk_write([c.operation() for c in combined], ordered=True)
    if result.matched_count < len(combined):
        collection.bulk_write([op for c in combined for event, change in c.changes
                               for op in guarded_operations(event, change)], ordered=True)
