"""Event store on MongoDB, without multi-document transactions.

One command's events are one *commit* document ``{_id: "<stream>:<first version>"}``.
The unique ``_id`` is the optimistic guard: two commands that both expect version
n both try to insert ``<stream>:n+1`` and the second fails. A stream's state is the
fold of its commits' events in version order. The store is also the outbox: commits
carry ``published: false`` until the relay has sent them to Kafka. The relay's poll
reads the ``published: false`` range of an index that starts with ``published``, so
an idle poll costs the same however many commits were published (they leave that range).
"""
from __future__ import annotations

from datetime import datetime, timezone

from pymongo import ASCENDING, IndexModel
from pymongo.cursor import Cursor
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from shared.store import indexes
from shared.domain.errors import DomainError
from shared.contract import envelope
from shared.contract.envelope import CloudEvent
from shared.store.indexes import Query

COMMITS = "commits"
OUTBOX_ORDER = [("committed_at", ASCENDING), ("stream_id", ASCENDING), ("first_version", ASCENDING)]
INDEXES = indexes.declare(
    {COMMITS: [IndexModel([("stream_id", ASCENDING), ("first_version", ASCENDING)]),
               IndexModel([("published", ASCENDING), *OUTBOX_ORDER])]},
    [Query.of(COMMITS, equal=["stream_id"], sort=["first_version"]),      # load
     Query.of(COMMITS, equal=["published"], sort=OUTBOX_ORDER),           # unpublished
     Query.of(COMMITS, equal=["published"]),                              # count_unpublished
     Query.of(COMMITS, equal=["first_version"], scan="a rebuild of derived data reads every stream")])


class ConcurrencyConflict(DomainError):
    """Another command appended to the stream first."""
    kind, code, field = "conflict", "concurrent-update", "version"
    message = "Another change was stored at the same time; GET and retry"


def commit_id(stream_id: str, first_version: int) -> str:
    return f"{stream_id}:{first_version:010d}"


def commit_document(stream_id: str, expected_version: int, events: list[CloudEvent], published: bool = False) -> dict:
    """The stored commit of `events` after `expected_version` (unpublished unless said otherwise)."""
    return {
        "_id": commit_id(stream_id, expected_version + 1),
        "stream_id": stream_id,
        "first_version": expected_version + 1,
        "last_version": expected_version + len(events),
        "clinic_id": events[0].clinicid,
        "events": [event.to_dict() for event in events],
        "published": published,
        "committed_at": datetime.now(timezone.utc),
    }


class EventStore:
    def __init__(self, db: Database):
        self.commits = db[COMMITS]

    def load(self, stream_id: str) -> list[CloudEvent]:
        """The stream's events in version order (empty for an unknown stream)."""
        cursor = self.commits.find({"stream_id": stream_id}, {"events": 1}).sort("first_version", ASCENDING)
        return [envelope.from_dict(raw) for commit in cursor for raw in commit["events"]]

    def first_commits(self) -> Cursor:
        """The first commit of every stream (`stream_id`, `clinic_id`, `events`), for rebuilding derived data."""
        return self.commits.find({"first_version": 1}, {"stream_id": 1, "clinic_id": 1, "events": 1})

    def append(self, stream_id: str, expected_version: int, events: list[CloudEvent]) -> None:
        """Store the events atomically after `expected_version`, or raise ConcurrencyConflict."""
        sequences = [event.sequence for event in events]
        if sequences != list(range(expected_version + 1, expected_version + 1 + len(events))):
            raise ValueError(f"events must be numbered from {expected_version + 1}: {sequences}")
        try:
            self.commits.insert_one(commit_document(stream_id, expected_version, events))
        except DuplicateKeyError:
            raise ConcurrencyConflict() from None

    def unpublished(self, limit: int = 500) -> list[dict]:
        """Commits not yet on Kafka, oldest first (a stream's commits keep their order)."""
        return list(self.commits.find({"published": False}).sort(OUTBOX_ORDER).limit(limit))

    def count_unpublished(self) -> int:
        return self.commits.count_documents({"published": False})

    def mark_published(self, commit_ids: list[str]) -> None:
        self.commits.update_many({"_id": {"$in": commit_ids}}, {"$set": {"published": True}})
