"""The store's own cost of each measured operation, timed at the same size in the same run.

Each function does the store calls an operation makes, straight through pymongo,
with none of the service's code around them, so the application's share of an
answer is its latency less this. The queries are the services' own (same
collections, filters, sorts and projections).
"""
from __future__ import annotations

import random
import time
import uuid
from datetime import datetime, timezone

from pymongo import ASCENDING, DESCENDING

from bench.growth_seed import Population
from services.goals.store.read_model import GOAL_INDEX
from services.reports.store.documents import (CLIENT_SUMMARY, CLINIC_MONTH, CLINIC_SPANS, GOAL_PROGRESS, PROJECTOR_BOOKKEEPING,
                                              client_summary_id, clinic_month_id, goal_progress_id)
from services.reports.domain.months import month_index, month_name
from shared.store.eventstore import COMMITS

RAW_STREAM_PREFIX = "bench-raw-"


class RawStore:
    def __init__(self, goals_db, reports_db, size: int, seed: int):
        self.goals_db, self.reports_db, self.size = goals_db, reports_db, size
        self.random = random.Random(seed)
        self.inserted: list[str] = []

    def _number(self) -> int:
        return self.random.randrange(self.size)

    def _load(self, stream_id: str) -> list:
        cursor = self.goals_db[COMMITS].find({"stream_id": stream_id}, {"events": 1}).sort("first_version", ASCENDING)
        return list(cursor)

    def _insert(self) -> None:
        stream = RAW_STREAM_PREFIX + uuid.uuid4().hex
        self.inserted.append(f"{stream}:0000000001")
        self.goals_db[COMMITS].insert_one({"_id": self.inserted[-1], "stream_id": stream, "first_version": 1,
                                           "last_version": 1, "clinic_id": "bench-raw", "events": [],
                                           "published": True, "committed_at": datetime.now(timezone.utc)})

    def create_goal(self) -> None:
        self._insert()

    def reach_milestone(self) -> None:
        self._load(Population.goal(self._number()))
        self._insert()

    def log_session(self) -> None:
        self._load(Population.goal(self._number()))
        self._insert()

    def get_goal(self) -> None:
        self._load(Population.goal(self._number()))

    def list_goals(self) -> None:
        number = self._number()
        query = {"clinic_id": Population.clinic(number), "client_id": Population.client(number)}
        list(self.goals_db[GOAL_INDEX].find(query).sort([("created_at", DESCENDING), ("_id", DESCENDING)]).limit(20))
        self.goals_db[GOAL_INDEX].count_documents(query)

    def client_report(self) -> None:
        number = self._number()
        clinic = Population.clinic(number)
        summary = self.reports_db[CLIENT_SUMMARY].find_one({"_id": client_summary_id(clinic, Population.client(number))})
        ids = [goal_progress_id(clinic, goal["goal_id"]) for goal in (summary or {}).get("goals", {}).values()]
        list(self.reports_db[GOAL_PROGRESS].find({"_id": {"$in": ids}}))

    def clinic_report(self) -> None:
        """The store's part of the default clinic report: twelve months of the clinic's aggregates, by _id."""
        last = month_index(datetime.now(timezone.utc).strftime("%Y-%m"))
        ids = [clinic_month_id(Population.clinic(self._number()), month_name(index)) for index in range(last - 11, last + 1)]
        for collection in (CLINIC_MONTH, CLINIC_SPANS):
            list(self.reports_db[collection].find({"_id": {"$in": ids}}, PROJECTOR_BOOKKEEPING))

    def clean_up(self) -> None:
        self.goals_db[COMMITS].delete_many({"_id": {"$in": self.inserted}})
        self.inserted.clear()


def time_each(raw: RawStore, operations, repeat: int) -> dict[str, list[float]]:
    """`repeat` timings (seconds) of each operation's raw store calls."""
    timings: dict[str, list[float]] = {}
    for operation in operations:
        call = getattr(raw, operation)
        call()  # the first call opens connections
        samples = []
        for _ in range(repeat):
            began = time.perf_counter()
            call()
            samples.append(time.perf_counter() - began)
        timings[operation] = samples
    raw.clean_up()
    return timings
