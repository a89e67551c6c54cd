"""Benchmark: POST .../milestones/{mid}/reached next to a one-insert baseline, same server, same run.

    MONGODB_URI=... python -m bench.goals_reached [--clients 16] [--seconds 15] [--servers 1x8,2x4] [--shuffle]
        [--other-commits 200000] [--cache-sizes 10000,0]

For each gunicorn configuration (workers x threads, deploy/gunicorn.conf.py) it starts
the goals API against the store of MONGODB_URI, on a database of its own, with the
benchmark-only baseline endpoint (bench/goals_baseline.py: authenticate, one
insert_one). N client threads, each with its own requests.Session (one keep-alive
connection), create their goals with milestones through the API, then call the
baseline and then `reached` on their own goals for a bounded time each. It prints
throughput and p50/p99 latency of both and their ratio (target: reached >= 60%).

`--shuffle` makes any client reach any goal on new connections: with several
workers, a command then often lands on a worker whose stream cache is cold or
behind, and pays a stream load (an indexed read of the goal's commits). `--other-commits N` first stores N commits of
other streams (other clinics' goals) directly, so stream loads run against a
commits collection of a realistic size; `--cache-sizes` runs each configuration
once per GOALS_STREAM_CACHE_SIZE (0: no cache). Not a test: it prints figures.
"""
from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess
import sys
import threading
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import requests

from shared.store import mongo
from shared.web.auth import mint_token
from shared.runtime.config import Settings
from shared.store.eventstore import COMMITS, commit_id

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-secret-" + "b" * 40


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_api(port: int, env: dict) -> subprocess.Popen:
    argv = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
            "bench.goals_baseline:create_app()"]
    api = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return api
        except requests.RequestException:  # not listening yet, or too busy starting to answer
            time.sleep(0.2)
    api.terminate()
    raise SystemExit("the goals API did not start")


def run_clients(sessions: list, seconds: float, request) -> dict:
    """Call `request(index, session)` from one thread per session for `seconds`; latencies of 2xx answers."""
    latencies, failures, stop = [], [0], time.monotonic() + seconds
    lock = threading.Lock()

    def client(index, session):
        mine, failed = [], 0
        while time.monotonic() < stop:
            began = time.perf_counter()
            status = request(index, session)
            if status is None:
                break  # no more work
            if 200 <= status < 300:
                mine.append(time.perf_counter() - began)
            else:
                failed += 1
        with lock:
            latencies.extend(mine)
            failures[0] += failed

    threads = [threading.Thread(target=client, args=pair) for pair in enumerate(sessions)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return summary(latencies, failures[0], time.monotonic() - began)


def summary(latencies: list[float], failures: int, elapsed: float) -> dict:
    ordered = sorted(latencies) or [float("nan")]
    return {"requests": len(latencies), "failures": failures, "seconds": elapsed, "rps": len(latencies) / elapsed,
            "p50_ms": ordered[len(ordered) // 2] * 1000,
            "p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000}


def create_goals(base: str, headers: dict, sessions: list, goals: int, milestones: int) -> list[list[tuple[str, str]]]:
    """Each client creates its share of goals; per client, its (goal_id, milestone_id) pairs, goal after goal."""
    due = (date.today() + timedelta(days=30)).isoformat()
    body = {"client_id": "client-bench", "title": "Benchmark goal", "category": "other",
            "target_date": (date.today() + timedelta(days=90)).isoformat(),
            "milestones": [{"title": f"Step {n}", "due_date": due} for n in range(milestones)]}
    work: list[list[tuple[str, str]]] = [[] for _ in sessions]

    def creator(index, session):
        created = [session.post(f"{base}/v1/goals", json=body, headers=headers, timeout=30).json()
                   for _ in range(goals // len(sessions))]
        work[index] = [(goal["goal_id"], goal["milestones"][n]["milestone_id"]) for n in range(milestones)
                       for goal in created]

    threads = [threading.Thread(target=creator, args=pair) for pair in enumerate(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return work


def reached_requests(base: str, headers: dict, work: list[list[tuple[str, str]]]):
    """Each client reaches the milestones of its own goals (shuffled: any client takes any goal)."""
    queues = [iter(pairs) for pairs in work]

    def request(index, session):
        pair = next(queues[index], None)
        if pair is None:
            return None
        url = f"{base}/v1/goals/{pair[0]}/milestones/{pair[1]}/reached"
        return session.post(url, headers=headers, timeout=30).status_code

    return request


def shuffled(work: list[list[tuple[str, str]]]) -> list[list[tuple[str, str]]]:
    pairs = [pair for pairs in work for pair in pairs]
    random.Random(7).shuffle(pairs)
    return [pairs[index::len(work)] for index in range(len(work))]


def baseline_request(base: str, headers: dict):
    return lambda index, session: session.post(f"{base}/bench/baseline", headers=headers, timeout=30).status_code


def show(name: str, figures: dict) -> None:
    print(f"{name:9s} {figures['rps']:8.1f} req/s  p50 {figures['p50_ms']:7.2f} ms  p99 {figures['p99_ms']:7.2f} ms  "
          f"({figures['requests']} ok, {figures['failures']} failed, {figures['seconds']:.1f} s)")


def store_other_commits(db, count: int, per_stream: int = 6) -> None:
    """`count` commits of other clinics' streams (one event each), as the event store writes them."""
    began = datetime.now(timezone.utc)
    for start in range(0, count, 5000):
        batch = []
        for n in range(start, min(start + 5000, count)):
            stream, version = f"other-{n // per_stream}", n % per_stream + 1
            batch.append({"_id": commit_id(stream, version), "stream_id": stream, "first_version": version,
                          "last_version": version, "clinic_id": f"clinic-other-{n % 97}", "published": True,
                          "committed_at": began, "events": [{"type": "milestone-reached", "subject": stream,
                                                             "sequence": version, "data": {"goal_id": stream}}]})
        db[COMMITS].insert_many(batch, ordered=False)


def measure(args, workers: str, threads: str, cache_size: str) -> None:
    prefix = f"bench{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "MONGODB_DB_PREFIX": prefix, "JWT_SECRET": SECRET,
           "WEB_CONCURRENCY": workers, "WEB_THREADS": threads, "LOG_LEVEL": "WARNING",
           "GOALS_STREAM_CACHE_SIZE": cache_size, "HTTP_RATE_LIMIT": "0"}  # one token, as fast as it goes
    if args.other_commits:
        store_other_commits(mongo.connect(Settings(service="goals"))[f"{prefix}_goals"], args.other_commits)
    port = free_port()
    api, base = start_api(port, env), f"http://127.0.0.1:{port}"
    headers = {"Authorization": "Bearer " + mint_token(SECRET, sub="clinician-bench", clinic_id="clinic-bench",
                                                         role="clinician", ttl_seconds=3600)}
    try:
        print(f"\n== gunicorn {workers} worker(s) x {threads} threads, {args.clients} clients"
              f"{', shuffled goals' if args.shuffle else ''}, stream cache {cache_size}, "
              f"{args.other_commits} other commits")
        sessions = [requests.Session() for _ in range(args.clients)]
        work = create_goals(base, headers, sessions, args.goals, args.milestones)
        print(f"created {args.goals} goals with {args.milestones} milestones each")
        run_clients(sessions, 2, baseline_request(base, headers))  # warm-up
        baseline = run_clients(sessions, args.seconds, baseline_request(base, headers))
        if args.shuffle:
            work, sessions = shuffled(work), [requests.Session() for _ in range(args.clients)]
        reached = run_clients(sessions, args.seconds, reached_requests(base, headers, work))
        show("baseline", baseline)
        show("reached", reached)
        print(f"reached / baseline throughput: {reached['rps'] / baseline['rps']:.0%} (target >= 60%)")
        if reached["seconds"] < args.seconds - 0.5:
            print("note: the milestones ran out before the time did; raise --goals for a longer run")
    finally:
        api.terminate()
        api.wait(timeout=30)
        mongo.connect(Settings(service="goals")).drop_database(f"{prefix}_goals")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--goals", type=int, default=2000)
    parser.add_argument("--milestones", type=int, default=5, help="per goal")
    parser.add_argument("--servers", default="1x8,2x4",
                        help="gunicorn configurations, WORKERSxTHREADS, comma-separated")
    parser.add_argument("--shuffle", action="store_true", help="any client reaches any goal (no connection affinity)")
    parser.add_argument("--other-commits", type=int, default=0, help="commits of other streams stored first")
    parser.add_argument("--cache-sizes", default="10000", help="GOALS_STREAM_CACHE_SIZE values, comma-separated")
    args = parser.parse_args(argv)
    print(f"store: {Settings(service='goals').mongodb_uri}")
    for server in args.servers.split(","):
        for cache_size in args.cache_sizes.split(","):
            measure(args, *server.split("x"), cache_size)


if __name__ == "__main__":
    main(sys.argv[1:])
