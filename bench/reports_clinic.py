"""Benchmark: GET /v1/reports/clinic as one clinic grows to 100,000 goals.

    MONGODB_URI=... python -m bench.reports_clinic [--goals 1000,10000,100000] [--calls 1000]

Projects a growing clinic (per client: two goals and one session with PHQ-9 and
GAD-7, spread over twelve months) through the reports handlers and the
projection runtime's batch writes, in batches of 500 events read from twelve
partitions, into a database of its own on the store of MONGODB_URI. At each size
it prints the projector's rate over the last stage, the p50/p99 latency of
GET /v1/reports/clinic (twelve months, through the API), the size of the largest month document it reads (BSON
bytes: what the store reads and rewrites per update) and, for comparison, the
time to read every client summary of the clinic once (what the report cost when
it was computed on read).
Not a test: it prints figures.
"""
from __future__ import annotations

import argparse
import statistics
import time
import uuid
from datetime import datetime, timedelta, timezone

import bson

from shared.store import mongo
from shared.web.auth import mint_token
from shared.runtime.config import Settings
from shared.store.projection import Context, write_batch
from services.reports.app import create_app
from services.reports.store.documents import CLIENT_SUMMARY, CLINIC_MONTH, CLINIC_SPANS, clinic_month_id
from services.reports.domain.months import month_range
from services.reports.projection import reports_projection
from tests.unit.reports.reports_builders import Story

CLINIC = "clinic-bench"
START = datetime(2025, 1, 1, 9, tzinfo=timezone.utc)
BATCH = 500
PARTITIONS = 12


def client_events(n: int) -> list:
    story = Story(clinic=CLINIC, client=f"client-{n:06d}", clinician=f"clinician-{n % 50}", partition=n % PARTITIONS)
    at = START + timedelta(days=(n * 7) % 360, minutes=n % 600)
    story.goal(f"goal-{n:06d}-a", at, category="anxiety")
    story.goal(f"goal-{n:06d}-b", at + timedelta(hours=1), category="depression")
    story.session(f"session-{n:06d}", at + timedelta(days=2), phq9=n % 28, gad7=n % 22)
    return story.events


def project(projection, ctx, first: int, last: int) -> float:
    """Project clients first..last-1; the events per second."""
    events = [event for n in range(first, last) for event in client_events(n)]
    started = time.perf_counter()
    for start in range(0, len(events), BATCH):
        batch = events[start:start + BATCH]
        projection.prepare(ctx, batch)
        write_batch(ctx, projection.changes(batch, ctx))
    return len(events) / (time.perf_counter() - started)


def latencies(call, calls: int) -> tuple[float, float]:
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--goals", default="1000,10000,100000")
    parser.add_argument("--calls", type=int, default=1000)  # enough calls for a p99 that is not just the slowest
    args = parser.parse_args()
    settings = Settings(service="reports", mongodb_db_prefix=f"bench{uuid.uuid4().hex[:8]}",
                        jwt_secret="bench-secret-" + "b" * 40, http_rate_limit=0)  # calls back to back, one token
    db = mongo.database(settings)
    projection = reports_projection()
    ctx = Context(db=db)
    projection.setup(ctx)
    api = create_app(settings, db=db).test_client()
    token = mint_token(settings.jwt_secret, sub="admin", clinic_id=CLINIC, role="clinic_admin")
    headers = {"Authorization": f"Bearer {token}"}

    def report():
        response = api.get("/v1/reports/clinic?from=2025-01&to=2025-12", headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)

    def read_every_summary():
        list(db[CLIENT_SUMMARY].find({"clinic_id": CLINIC}, {"phq9": 1, "gad7": 1, "goals": 1}))

    def largest_month_document() -> int:
        ids = [clinic_month_id(CLINIC, month) for month in month_range("2025-01", "2025-12")]
        return max(len(bson.encode(document)) for name in (CLINIC_MONTH, CLINIC_SPANS)
                   for document in db[name].find({"_id": {"$in": ids}}))
    clients = 0
    print("goals    projector ev/s   clinic report p50/p99 ms   month doc bytes   every summary read ms")
    try:
        for goals in (int(value) for value in args.goals.split(",")):
            rate = project(projection, ctx, clients, goals // 2)
            clients = goals // 2
            p50, p99 = latencies(report, args.calls)
            whole, _ = latencies(read_every_summary, 3)
            size = largest_month_document()
            print(f"{goals:>7}  {rate:>14.0f}   {p50:>12.1f} / {p99:<9.1f}   {size:>15}   {whole:>10.1f}", flush=True)
    finally:
        db.client.drop_database(db.name)


if __name__ == "__main__":
    main()
