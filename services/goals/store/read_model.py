"""The listing read model: a summary per goal (`goal_index`) and each session (`session_index`).

Written by the command side right after a successful append, with the
aggregate's version. A goal's summary is written only when it changes (reaching a
milestone leaves it as it was: GET the goal for its milestones and version). An
update only lands while the stored version is lower, so a late or repeated write
never moves a document backwards; a first version is a plain insert. The
collections hold nothing the event store does not, and can never fall behind it
for good: a commit that changes them is stored with ``listed: false`` and marked
listed after its write here, and every read of them first writes what the
clinic's unlisted commits left out (a worker that died between the two steps;
see GoalsService). `python -m services.goals.rebuild` derives them again from
the stored commits (to change the documents' shape, drop the collections first).

A client's record (the FHIR export) reads the client's goals and sessions with the listing's
query and index, a batch of EXPORT_BATCH documents at a time.

A session's document also lists the goals it rated (`rated_goals`, not shown in
listings): whether any session rated a goal is one indexed lookup (its GAS levels
are frozen from then on).
"""
from __future__ import annotations

from datetime import date, datetime

from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from shared.contract import codec
from shared.contract.events import SessionLogged
from shared.store import indexes
from shared.store.indexes import Query

GOAL_INDEX = "goal_index"
SESSION_INDEX = "session_index"
INTERNAL = {"_id": 0, "clinic_id": 0}
SUMMARY = ("goal_id", "client_id", "clinician_id", "title", "category", "priority", "target_date",
           "lifecycle_status", "achievement_status", "created_at")
NEWEST = {GOAL_INDEX: "created_at", SESSION_INDEX: "occurred_at"}
FILTERS = {GOAL_INDEX: (("clinic_id",), ("clinic_id", "client_id"), ("clinic_id", "lifecycle_status"),
                        ("clinic_id", "client_id", "lifecycle_status")),
           SESSION_INDEX: (("clinic_id",), ("clinic_id", "client_id"))}
RATED = ("clinic_id", "rated_goals")
EXPORT_BATCH = 100


def _newest_first(collection: str) -> list[tuple[str, int]]:
    """A listing's order: newest first, ties by id (so pages never overlap)."""
    return [(NEWEST[collection], DESCENDING), ("_id", DESCENDING)]


# One index per filter a listing takes: its equality fields, then the listing's order; and one for goal_rated.
INDEXES = indexes.declare(
    {name: [IndexModel([(field, ASCENDING) for field in fields] + _newest_first(name)) for fields in filters]
     for name, filters in FILTERS.items()},
    [query for name, filters in FILTERS.items() for fields in filters for query in (
        Query.of(name, equal=fields, sort=_newest_first(name)),   # a page
        Query.of(name, equal=fields))]                              # its total
) + indexes.declare({SESSION_INDEX: [IndexModel([(field, ASCENDING) for field in RATED])]},
                    [Query.of(SESSION_INDEX, equal=RATED)])


def goal_summary(goal) -> dict:
    """What a listing shows of a goal (JSON-ready)."""
    summary = {name: getattr(goal, name) for name in SUMMARY}
    iso = {name: value.isoformat() for name, value in summary.items() if isinstance(value, (date, datetime))}
    return {**summary, **iso, "milestones_total": len(goal.milestones)}


def session_document(session) -> dict:
    """A session as listed (JSON-ready), with the goals it rated."""
    rated = [rating.goal_id for rating in session.goals if rating.rating is not None]
    return {**codec.to_data(session), "rated_goals": rated}


class ReadModel:
    def __init__(self, db: Database):
        self.goals, self.sessions = db[GOAL_INDEX], db[SESSION_INDEX]

    @staticmethod
    def shows_change(before, after) -> bool:
        """Whether the goal's listed summary differs between `before` (None for a new goal) and `after`."""
        return before is None or goal_summary(before) != goal_summary(after)

    def goal_changed(self, clinic_id: str, before, after) -> None:
        """Store the goal's summary if `after` changed it (`before` is None for a new goal)."""
        if self.shows_change(before, after):
            _record(self.goals, clinic_id, after.goal_id, after.version, goal_summary(after))

    def record_session(self, clinic_id: str, session) -> None:
        _record(self.sessions, clinic_id, session.session_id, session.version, session_document(session))

    def goal_rated(self, clinic_id: str, goal_id: str) -> bool:
        """Whether a session of the clinic rated the goal."""
        return self.sessions.find_one({"clinic_id": clinic_id, "rated_goals": goal_id}, {"_id": 1}) is not None

    def list_goals(self, clinic_id: str, page: int, page_size: int, client_id: str | None = None,
                   status: str | None = None) -> dict:
        """A page of the clinic's goals, newest first; `status` is the lifecycle status."""
        query = _matching(clinic_id, client_id=client_id, lifecycle_status=status)
        return _page(self.goals, query, page, page_size, {**INTERNAL, "version": 0})

    def list_sessions(self, clinic_id: str, page: int, page_size: int, client_id: str | None = None) -> dict:
        """A page of the clinic's sessions, latest first."""
        hidden = {**INTERNAL, "rated_goals": 0}
        return _page(self.sessions, _matching(clinic_id, client_id=client_id), page, page_size, hidden)

    def clients_goal_ids(self, clinic_id: str, client_id: str) -> list[str]:
        """The ids of every goal of the client, newest first."""
        return [doc["goal_id"] for doc in _every(self.goals, _matching(clinic_id, client_id=client_id),
                                                  {"goal_id": 1, "_id": 0})]

    def clients_sessions(self, clinic_id: str, client_id: str) -> list[SessionLogged]:
        """Every session of the client, latest first."""
        hidden = {**INTERNAL, "rated_goals": 0, "version": 0}
        return [codec.from_data(SessionLogged, doc)
                for doc in _every(self.sessions, _matching(clinic_id, client_id=client_id), hidden)]


def _record(collection, clinic_id: str, doc_id: str, version: int, fields: dict) -> None:
    document = {**fields, "clinic_id": clinic_id, "version": version}
    try:
        if version == 1:
            collection.insert_one({"_id": doc_id, **document})
        else:
            collection.update_one({"_id": doc_id, "version": {"$lt": version}}, {"$set": document}, upsert=True)
    except DuplicateKeyError:
        pass  # the stored version is as new or newer: nothing to do


def _matching(clinic_id: str, **optional) -> dict:
    return {"clinic_id": clinic_id, **{name: value for name, value in optional.items() if value is not None}}


def _every(collection, query: dict, fields: dict) -> list[dict]:
    """Every matching document in the listing's order, fetched EXPORT_BATCH at a time (one indexed query)."""
    return list(collection.find(query, fields).sort(_newest_first(collection.name)).batch_size(EXPORT_BATCH))


def _page(collection, query: dict, page: int, page_size: int, hidden: dict) -> dict:
    cursor = collection.find(query, hidden).sort(_newest_first(collection.name))
    items = list(cursor.skip((page - 1) * page_size).limit(page_size))
    return {"items": items, "page": page, "page_size": page_size, "total": collection.count_documents(query)}
