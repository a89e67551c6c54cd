"""Benchmark: how fast the reminders planner drains a backlog (a bulk import, a rebuild).

    MONGODB_URI=... python -m bench.planner [--goals 5000]

It writes, on a database of its own, the facts the reminders projection would
have written for N goals (two milestones, one reached) and N clients (three
sessions, the next one booked), with six planning requests per goal and client
(one per event, as the projection makes them), then runs planner rounds at a
fixed instant until no backlog is left, and prints subjects and requests planned
per second and the rounds it took. Not a test: it prints figures.
"""
from __future__ import annotations

import argparse
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone

from services.reminders.indexes import DECLARED
from services.reminders.service.planner import Planner
from services.reminders.store.documents import CLIENT_FACTS, GOAL_FACTS, PLANNING_REQUESTS, REMINDERS, client_key, \
    goal_key
from services.reminders.store.planning import Subject, request
from shared.runtime.config import Settings
from shared.store import indexes, mongo

AT = datetime(2027, 3, 10, 12, tzinfo=timezone.utc)
EVENTS_PER_SUBJECT = 3
CLINICS = 5


def facts(n: int) -> tuple[dict, dict, list[dict]]:
    """The goal facts, client facts and planning requests of goal n and its client."""
    clinic, goal, client = f"clinic-{n % CLINICS}", f"goal-{n}", f"client-{n}"
    goal_doc = {"_id": goal_key(clinic, goal), "clinic_id": clinic, "client_id": client, "goal_id": goal,
                "lifecycle_status": "active", "practice_rrule": None, "target_date": None,
                "created_at": AT - timedelta(days=30), "source": "seed", "reached": ["m0"],
                "milestones": [{"milestone_id": f"m{k}", "due_date": (AT + timedelta(days=3 + k)).date().isoformat(),
                                "source": "seed"} for k in range(2)]}
    client_doc = {"_id": client_key(clinic, client), "clinic_id": clinic, "client_id": client, "sessions": [
        {"session_id": f"session-{n}-{k}", "occurred_at": AT - timedelta(days=7 * (3 - k)), "attended": True,
         "next_session_at": AT + timedelta(days=7) if k == 2 else None, "source": "seed"} for k in range(3)]}
    subjects = (Subject("goal", clinic, client, goal), Subject("client", clinic, client, client))
    requests = [request(subject, str(uuid.uuid4()), AT) for subject in subjects for _ in range(EVENTS_PER_SUBJECT)]
    return goal_doc, client_doc, requests


def seed(db, goals: int) -> int:
    """Write the facts and requests of `goals` goals; return how many requests."""
    requested = 0
    for start in range(0, goals, 2000):
        batch = [facts(n) for n in range(start, min(goals, start + 2000))]
        db[GOAL_FACTS].insert_many([goal for goal, _, _ in batch])
        db[CLIENT_FACTS].insert_many([client for _, client, _ in batch])
        requests = [r for _, _, rs in batch for r in rs]
        db[PLANNING_REQUESTS].insert_many(requests)
        requested += len(requests)
    return requested


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--goals", type=int, default=5000)
    args = parser.parse_args(argv)
    settings = Settings(service="reminders", mongodb_db_prefix=f"bench_planner_{uuid.uuid4().hex[:6]}_")
    client = mongo.connect(settings)
    db = mongo.database(settings, client)
    try:
        indexes.ensure(db, DECLARED)
        requested = seed(db, args.goals)
        planner, planned, rounds = Planner(db, "bench"), 0, 0
        started = time.perf_counter()
        while True:
            planned, rounds = planned + planner.plan_due(AT), rounds + 1
            if not planner.behind:
                break
        seconds = time.perf_counter() - started
        print(f"planner: {args.goals:,} goals and {args.goals:,} clients, {requested:,} requests: "
              f"{planned:,} subjects planned in {seconds:.1f} s over {rounds} rounds "
              f"({planned / seconds:,.0f} subjects/s, {requested / seconds:,.0f} requests/s); "
              f"{db[REMINDERS].estimated_document_count():,} reminders")
    finally:
        client.drop_database(db.name)
        client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
