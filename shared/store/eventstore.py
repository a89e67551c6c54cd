"""Event store on MongoDB, without multi-document transactions.

One command's events are one *commit* document ``{_id: "<stream>:<first version>"}``.
The unique ``_id`` is the optimistic guard: two commands that both expect version
n both try to insert ``<stream>:n+1`` and the second fails. A stream's state is the
fold of its commits' events in version order. The store is also the outbox: commits
carry ``published: false`` until the relay has sent them to Kafka. The relay's poll
reads the ``published: false`` range of an index that starts with ``published``, so
an idle poll costs the same however many commits were published (they leave that range).

A commit may also carry the *request* that stored it (an Idempotency-Key: its
``request_id`` and ``request_fingerprint``); a unique index on ``request_id`` lets at
most one commit carry a request, so the store itself says whether a retried request
was applied, and where (:meth:`EventStore.commit_of`). And a commit whose events the
writer's own read model must show carries ``listed: false`` until that read model was
written (:meth:`EventStore.mark_listed`): a reader finds what a writer that died in
between left out (:meth:`EventStore.unlisted`).
"""
from __future__ import annotations

from dataclasses import dataclass
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
               IndexModel([("published", ASCENDING), *OUTBOX_ORDER]),
               IndexModel([("request_id", ASCENDING)], unique=True, sparse=True),
               IndexModel([("listed", ASCENDING), ("clinic_id", ASCENDING)])]},
    [Query.of(COMMITS, equal=["stream_id"], sort=["first_version"]),      # load
     Query.of(COMMITS, equal=["published"], sort=OUTBOX_ORDER),           # unpublished
     Query.of(COMMITS, equal=["published"]),                              # count_unpublished
     Query.of(COMMITS, equal=["request_id"]),                             # commit_of
     Query.of(COMMITS, equal=["listed", "clinic_id"]),                    # unlisted
     Query.of(COMMITS, equal=["first_version"], scan="a rebuild of derived data reads every stream")])


class ConcurrencyConflict(DomainError):
    """Another command appended to the stream first."""
    kind, code, field = "conflict", "concurrent-update", "version"
    message = "Another change was stored at the same time; GET and retry"


class AlreadyApplied(Exception):
    """A commit of the same request was stored first (its retry, or the same request sent twice at once)."""


@dataclass(frozen=True)
class Request:
    """A request that may be retried: at most one commit carries its `id`; `fingerprint` tells requests apart."""
    id: str
    fingerprint: str


def commit_id(stream_id: str, first_version: int) -> str:
    return f"{stream_id}:{first_version:010d}"


def commit_document(stream_id: str, expected_version: int, events: list[CloudEvent], published: bool = False,
                    request: Request | None = None, listed: bool = True) -> dict:
    """The stored commit of `events` after `expected_version` (unpublished unless said otherwise)."""
    by_request = {} if request is None else {"request_id": request.id, "request_fingerprint": request.fingerprint}
    return {
        "_id": commit_id(stream_id, expected_version + 1),
        "stream_id": stream_id,
        "first_version": expected_version + 1,
        "last_version": expected_version + len(events),
        "clinic_id": events[0].clinicid,
        "events": [event.to_dict() for event in events],
        "published": published,
        "listed": listed,
        "committed_at": datetime.now(timezone.utc),
        **by_request,
    }


class EventStore:
    def __init__(self, db: Database):
        self.commits = db[COMMITS]

    def load(self, stream_id: str) -> list[CloudEvent]:
        """The stream's events in version order (empty for an unknown stream)."""
        cursor = self.commits.find({"stream_id": stream_id}, {"events": 1}).sort("first_version", ASCENDING)
        return [envelope.from_dict(raw) for commit in cursor for raw in commit["events"]]

    def first_commits(self) -> Cursor:
        """The first commit of every stream (`stream_id`, `clinic_id`), for rebuilding derived data."""
        return self.commits.find({"first_version": 1}, {"stream_id": 1, "clinic_id": 1})

    def append(self, stream_id: str, expected_version: int, events: list[CloudEvent], request: Request | None = None,
               listed: bool = True) -> None:
        """Store the events atomically after `expected_version` (by `request`; `listed: false` when the writer's
        read model must show them); raise AlreadyApplied when a commit of the request exists, else
        ConcurrencyConflict when another commit took the version."""
        sequences = [event.sequence for event in events]
        if sequences != list(range(expected_version + 1, expected_version + 1 + len(events))):
            raise ValueError(f"events must be numbered from {expected_version + 1}: {sequences}")
        try:
            self.commits.insert_one(commit_document(stream_id, expected_version, events, request=request,
                                                    listed=listed))
        except DuplicateKeyError:
            if request is not None and self.commit_of(request.id) is not None:
                raise AlreadyApplied() from None
            raise ConcurrencyConflict() from None

    def commit_of(self, request_id: str) -> dict | None:
        """The commit the request stored (`stream_id`, `clinic_id`, `last_version`, `request_fingerprint`), or None."""
        return self.commits.find_one({"request_id": request_id},
                                     {"stream_id": 1, "clinic_id": 1, "last_version": 1, "request_fingerprint": 1})

    def unlisted(self, clinic_id: str) -> list[dict]:
        """The clinic's commits (`_id`, `stream_id`) whose events its read model may not show yet."""
        return list(self.commits.find({"listed": False, "clinic_id": clinic_id}, {"stream_id": 1}))

    def mark_listed(self, commit_ids: list[str]) -> None:
        self.commits.update_many({"_id": {"$in": commit_ids}}, {"$set": {"listed": True}})

    def unpublished(self, limit: int = 500) -> list[dict]:
        """Commits not yet on Kafka, oldest first (a stream's commits keep their order)."""
        return list(self.commits.find({"published": False}).sort(OUTBOX_ORDER).limit(limit))

    def count_unpublished(self) -> int:
        return self.commits.count_documents({"published": False})

    def mark_published(self, commit_ids: list[str]) -> None:
        self.commits.update_many({"_id": {"$in": commit_ids}}, {"$set": {"published": True}})
