"""Planning bookkeeping: what to plan, when to plan it again, and who plans.

The facts documents are written by the projection alone, so they stay a
function of the events and a rebuild reproduces them exactly. Others ask for
planning in collections of their own:

* ``planning_requests``: one document per reason to plan a subject again —
  an event (written by the projection, id = the event id, so a rebuild
  recreates them all) or new preferences (written by the API). Requests are
  inserts, never updates of a shared flag, and the planner deletes exactly
  the requests it read once their subjects are planned, so a request that
  arrives meanwhile is kept for the next round rather than cleared unseen.
* ``plans``: per subject, when to plan it again (the practice horizon).
* ``planner_lease``: who plans. One document holds the planner's lease
  (owner, until); a dispatcher takes it with one atomic conditional update
  when it is free or ran out, and its holder renews it, so one planner works
  at a time and leadership changes hands only when a holder stops renewing.
"""
from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from pymongo import ASCENDING, IndexModel, UpdateOne
from pymongo.errors import DuplicateKeyError

from services.reminders.store.documents import CLIENT_FACTS, GOAL_FACTS, PLANNING_REQUESTS, client_key, goal_key
from shared.store import indexes
from shared.store.indexes import Query
from shared.store.mongo import compound_id

PLANS, PLANNER_LEASE = "plans", "planner_lease"
PLANNER = "planner"
INDEXES = indexes.declare(
    {PLANS: [IndexModel([("replan_at", ASCENDING)])],
     PLANNING_REQUESTS: [IndexModel([("at", ASCENDING)])],
     GOAL_FACTS: [IndexModel([("clinic_id", ASCENDING), ("client_id", ASCENDING)])],
     CLIENT_FACTS: [IndexModel([("clinic_id", ASCENDING), ("client_id", ASCENDING)])]},
    [Query.of(PLANNING_REQUESTS, sort=["at"]),                                  # requested (oldest first, limited)
     *(Query.of(facts, equal=keys) for facts in (GOAL_FACTS, CLIENT_FACTS)      # request_planning
       for keys in (["clinic_id"], ["clinic_id", "client_id"])),
     Query.of(PLANS, range=["replan_at"])])                                     # due_for_planning_again


@dataclass(frozen=True, order=True)
class Subject:
    kind: str          # "goal" (milestones, practice) or "client" (sessions, follow-ups)
    clinic_id: str
    client_id: str
    subject_id: str    # the goal id, or the client id

    @property
    def plan_key(self) -> str:
        return f"{self.kind}:{self.subject_id}"

    @property
    def facts(self) -> tuple[str, str]:
        """(collection, _id) of the subject's facts document."""
        if self.kind == "goal":
            return GOAL_FACTS, goal_key(self.clinic_id, self.subject_id)
        return CLIENT_FACTS, client_key(self.clinic_id, self.client_id)


def request(subject: Subject, request_id: str, at: datetime) -> dict:
    return {"_id": request_id, **asdict(subject), "at": at}


def _subject(doc: dict) -> Subject:
    return Subject(doc["kind"], doc["clinic_id"], doc["client_id"], doc["subject_id"])


def requested(db, limit: int) -> list[tuple[str, Subject]]:
    """(request id, subject) of the oldest requests."""
    return [(doc["_id"], _subject(doc)) for doc in db[PLANNING_REQUESTS].find().sort("at", 1).limit(limit)]


def done(db, request_ids: list[str]) -> None:
    if request_ids:
        db[PLANNING_REQUESTS].delete_many({"_id": {"$in": request_ids}})


def request_planning(db, clinic_id: str, at: datetime, client_id: str | None = None) -> int:
    """Ask for a client's (or a whole clinic's) goals and sessions to be planned again."""
    query = {"clinic_id": clinic_id, **({"client_id": client_id} if client_id is not None else {})}
    subjects = [Subject("goal", doc["clinic_id"], doc["client_id"], doc["goal_id"])
                for doc in db[GOAL_FACTS].find(query, {"clinic_id": 1, "client_id": 1, "goal_id": 1})]
    subjects += [Subject("client", doc["clinic_id"], doc["client_id"], doc["client_id"])
                 for doc in db[CLIENT_FACTS].find(query, {"clinic_id": 1, "client_id": 1})]
    if subjects:
        db[PLANNING_REQUESTS].insert_many([request(s, str(uuid.uuid4()), at) for s in subjects], ordered=False)
    return len(subjects)


def plan_again_at(db, when: dict[Subject, datetime | None]) -> None:
    """Record when each subject is next due for planning (None: only when a request names it)."""
    if when:
        db[PLANS].bulk_write([UpdateOne({"_id": compound_id(s.kind, s.clinic_id, s.subject_id)},
                                        {"$set": {**asdict(s), "replan_at": at}}, upsert=True)
                              for s, at in when.items()], ordered=False)


def facts_of(db, subjects: list[Subject]) -> dict[Subject, dict]:
    """The facts documents of the subjects that have one, with one read per facts collection."""
    by_id: dict[tuple[str, str], list[Subject]] = {}
    for subject in subjects:
        by_id.setdefault(subject.facts, []).append(subject)
    found = {}
    for collection in sorted({collection for collection, _ in by_id}):
        ids = sorted(facts_id for c, facts_id in by_id if c == collection)
        for doc in db[collection].find({"_id": {"$in": ids}}):
            found.update({subject: doc for subject in by_id[(collection, doc["_id"])]})
    return found


def due_for_planning_again(db, now: datetime, limit: int) -> list[Subject]:
    return [_subject(doc) for doc in db[PLANS].find({"replan_at": {"$lte": now}}).limit(limit)]


def lead(db, owner: str, now: datetime, period: timedelta) -> datetime | None:
    """Until when `owner` plans, having renewed or taken the planner's lease at `now`; None if another holds it."""
    until = now + period
    try:
        db[PLANNER_LEASE].update_one({"_id": PLANNER, "$or": [{"owner": owner}, {"until": {"$lte": now}}]},
                                     {"$set": {"owner": owner, "until": until}}, upsert=True)
    except DuplicateKeyError:  # the lease exists, held by another and not run out: the upsert's insert lost
        return None
    return until

