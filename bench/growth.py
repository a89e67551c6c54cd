"""Benchmark: how the public API's latencies and the reports' freshness change as the data grows.

    KAFKA_BOOTSTRAP_SERVERS=... MONGODB_URI=... python -m bench.growth [--sizes 1000,10000,100000]

(or BENCH_GROWTH_SIZES=1000,10000 for a quicker run; BENCH_GROWTH_SECONDS sets the
load's length per size). It starts the whole platform as separate processes
(deploy.processes.Platform: gunicorn APIs and workers, free ports, a database and
topic prefix of its own), then for each size:

  1. seeds goals up to that size, each with two milestones (both reached) and
     three sessions: six events, stored as commits through the event store's
     code, listed as the API lists them, and published to Kafka
     (bench/growth_seed.py);
  2. waits until the reports and reminders projectors have consumed everything
     and the reminders planner has planned every request they made;
  3. times the store calls of each operation on their own (bench/growth_raw.py);
  4. after 30 s of the same load as a warm-up, runs an open-loop load for
     BENCH_GROWTH_SECONDS (default 90): 50 commands/s
     (goals set, milestones reached, sessions logged), measuring every answer
     from its scheduled time, with one reader per kind of read beside it, and
     the freshness of every goal set: from its 201 to its first 200 from the
     reports API (bench/growth_load.py).

It prints, per size and operation, p50 and p99, the p50 of the same request
sent alone after the load (the service time without queueing), the raw store
call's p50/p99 and the application's share of the unloaded time, and the cores each kind of process
used (bench/cpu.py), idle for 10 s before the load and during it; then the targets (each p99 at the largest size
within 1.5x of the smallest; freshness p99 under 1 s at every size) and
whether each is met. It writes the table to artifacts/growth.md, the chart to
artifacts/growth.png and every sample to artifacts/growth.json (`--redraw`
prints and draws them again). Not a test: it prints figures.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

from kafka import KafkaConsumer, TopicPartition
from kafka.admin import KafkaAdminClient

from bench import cpu
from bench.goals_reached import free_port
from bench.growth_load import COMMANDS, READS, Recorder, Workload, one_at_a_time, run, tokens_for_clinics
from bench.growth_raw import RawStore, time_each
from bench.growth_report import SizeResult, chart, cpu_table, load, ms, save, table, targets
from bench.growth_seed import MILESTONES_PER_GOAL, SESSIONS_PER_GOAL, seed
from deploy.processes import Platform
from services.reminders.projection import NAME as REMINDERS_PROJECTOR
from services.reminders.store.documents import PLANNING_REQUESTS
from services.reports.projection import NAME as REPORTS_PROJECTOR
from shared.store import mongo
from shared.web.auth import mint_token
from shared.runtime.config import HTTP_PORTS, Settings
from shared.messaging.topics import GOALS_EVENTS, REMINDERS_EVENTS, ensure_topics

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
SECRET = "bench-growth-secret-" + "g" * 32
DEFAULT_SIZES = "1000,10000,100000"
EVENTS_PER_GOAL = 1 + MILESTONES_PER_GOAL + SESSIONS_PER_GOAL
CATCH_UP_TIMEOUT_S = 3600
WARM_UP_S = 30.0  # load before each size's measurement: with 5 s the first size's p99 still held the warm-up
OPERATIONS = list(dict.fromkeys(COMMANDS)) + list(READS) + ["freshness"]
RAW_REPEAT = 50
UNLOADED_REPEAT = 10
IDLE_S = 10.0  # CPU with no requests, after the catch-up: what runs in the background at this size
PREPARED_GOALS = 40  # milestones to reach while the load's first goals are being set


def say(text: str) -> None:
    print(text, flush=True)


def lag(settings: Settings, groups: dict[str, tuple[str, ...]]) -> int:
    """Records on the groups' topics not yet committed by them (a group that committed nothing lags by all)."""
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    reader = KafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers)
    try:
        behind = 0
        for group, topics in groups.items():
            committed = admin.list_group_offsets(settings.topic(group))[settings.topic(group)]
            partitions = [TopicPartition(settings.topic(topic), p) for topic in topics
                          for p in sorted(reader.partitions_for_topic(settings.topic(topic)) or [])]
            for partition, end in reader.end_offsets(partitions).items():
                done = committed.get(partition)
                behind += end - (done.offset if done is not None and done.offset >= 0 else 0)
        return behind
    finally:
        reader.close()
        admin.close()


def planning_backlog(settings: Settings) -> int:
    """The reminders planner's requests not yet planned."""
    return mongo.database(settings)[PLANNING_REQUESTS].estimated_document_count()


def wait_caught_up(settings: dict[str, Settings], platform: Platform) -> float:
    """Wait until the projectors have consumed every published event and the reminders planner has planned
    every request they made (so no backlog runs beside the measurement); the seconds waited."""
    groups = {REPORTS_PROJECTOR: (GOALS_EVENTS, REMINDERS_EVENTS), REMINDERS_PROJECTOR: (GOALS_EVENTS,)}
    started = time.monotonic()
    last_report = started
    while (behind := lag(settings["goals"], groups)) + (unplanned := planning_backlog(settings["reminders"])) > 0:
        if time.monotonic() - started > CATCH_UP_TIMEOUT_S:
            raise SystemExit(f"still {behind} records behind and {unplanned} requests unplanned "
                             f"after {CATCH_UP_TIMEOUT_S}s")
        failed = [process.name for process in platform.supervision.processes() if process.failed]
        if failed:
            raise SystemExit(f"processes exited: {failed}\n{platform.supervision.tail(failed[0])}")
        if time.monotonic() - last_report > 30:
            say(f"    projectors {behind:,} records behind, reminders planner {unplanned:,} requests behind")
            last_report = time.monotonic()
        time.sleep(1)
    return time.monotonic() - started


def measure(platform: Platform, settings: dict[str, Settings], size: int, events: int, seconds: float,
            rate: float) -> SizeResult:
    """Raw store timings and the open-loop run at the current size."""
    client = mongo.connect(settings["goals"])
    raw = RawStore(mongo.database(settings["goals"], client), mongo.database(settings["reports"], client), size, size)
    raw_timings = time_each(raw, [op for op in OPERATIONS if op != "freshness"], RAW_REPEAT)
    urls = {service: platform.url(service) for service in ("goals", "reports")}
    tokens = tokens_for_clinics(lambda clinic: "Bearer " + mint_token(SECRET, sub="bench-clinician",
                                                                      clinic_id=clinic, role="clinician",
                                                                      ttl_seconds=6 * 3600))
    ours = (int(platform.supervision.pid_file.read_text()),)  # supervisord runs as a daemon
    before = cpu.snapshot(ours)
    time.sleep(IDLE_S)
    idle = cpu.cores_used(before, cpu.snapshot(ours))
    workload = Workload(urls, tokens, size, Recorder(), seed=size)
    run(workload, min(WARM_UP_S, seconds), rate)  # warm-up: connections, caches, the store's JIT
    workload.prepare(PREPARED_GOALS)
    workload.recorder = Recorder()
    before = cpu.snapshot(ours)
    recorder = run(workload, seconds, rate)
    loaded = cpu.cores_used(before, cpu.snapshot(ours))
    unloaded = one_at_a_time(workload, OPERATIONS[:-1], UNLOADED_REPEAT)
    return SizeResult(size, events, dict(recorder.latencies), raw_timings, dict(recorder.failures),
                      dict(recorder.statuses), dict(unloaded.latencies), {"idle": idle, "load": loaded})


def platform_env(run_id: str) -> dict[str, str]:
    return {**os.environ, "MONGODB_DB_PREFIX": f"growth{run_id}", "KAFKA_TOPIC_PREFIX": f"growth{run_id}-",
            "JWT_SECRET": SECRET, "WEB_CONCURRENCY": "2", "LOG_LEVEL": "WARNING"}


def clean_up(settings: Settings, prefix: str) -> None:
    client = mongo.connect(settings)
    for name in client.list_database_names():
        if name.startswith(prefix):
            client.drop_database(name)
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    admin.delete_topics([name for name in admin.list_topics() if name.startswith(settings.topic_prefix)])
    admin.close()


def parse_sizes(text: str) -> list[int]:
    sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    if not sizes or sizes != sorted(set(sizes)) or sizes[0] <= 0:
        raise SystemExit(f"--sizes must be increasing positive numbers, e.g. {DEFAULT_SIZES}: {text!r}")
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=os.environ.get("BENCH_GROWTH_SIZES") or DEFAULT_SIZES,
                        help=f"goals at each step, increasing (default {DEFAULT_SIZES})")
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_GROWTH_SECONDS") or 90),
                        help="length of the measured load at each size (default 90: a p99 of reads from about 340 samples)")
    parser.add_argument("--rate", type=float, default=50, help="commands per second (default 50)")
    parser.add_argument("--redraw", action="store_true", help="only print and draw again the last run's figures")
    args = parser.parse_args()
    if args.redraw:
        return report(load(ARTIFACTS / "growth.json"))
    sizes = parse_sizes(args.sizes)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # `timeout` too stops the platform and cleans up
    run_id = uuid.uuid4().hex[:8]
    env = platform_env(run_id)
    settings = {service: Settings(service=service, mongodb_db_prefix=env["MONGODB_DB_PREFIX"],
                                  topic_prefix=env["KAFKA_TOPIC_PREFIX"]) for service in ("goals", "reminders", "reports")}
    ports = {service: free_port() for service in HTTP_PORTS}
    platform = Platform(Path(tempfile.mkdtemp(prefix="bench-growth-")), env, ports, metrics=False)
    say(f"growth benchmark: sizes {', '.join(f'{s:,}' for s in sizes)} goals ({EVENTS_PER_GOAL} events each), "
        f"{args.rate:g} commands/s and one reader per kind of read for {args.seconds:g}s per size")
    ensure_topics(settings["goals"])
    platform.start()
    results: list[SizeResult] = []
    try:
        platform.wait_ready(timeout=120)
        goals_db = mongo.database(settings["goals"])
        seeded, sent, now = 0, 0, datetime.now(timezone.utc)
        for size in sizes:
            began = time.monotonic()
            sent += seed(goals_db, settings["goals"], seeded, size, now)
            seeded = size
            say(f"  {size:,} goals: seeded {sent:,} events in {time.monotonic() - began:.0f}s; "
                f"projectors and planner caught up {wait_caught_up(settings, platform):.0f}s later")
            result = measure(platform, settings, size, sent, args.seconds, args.rate)
            results.append(result)
            say(f"    machine load average (1 min) after the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
            for window, used in result.cpu.items():
                say(f"    cores used, {window:4s}: {sum(used.values()):.2f} = " + ", ".join(
                    f"{name} {cores:.2f}" for name, cores in list(used.items())[:8]))
            for operation in OPERATIONS:
                say(f"    {operation:16s} p50 {ms(result.p(operation, 50)):>8s} ms  p99 "
                    f"{ms(result.p(operation, 99)):>8s} ms  (n={len(result.api.get(operation, []))}, "
                    f"failed {result.failures.get(operation, 0)} {sorted(map(str, result.statuses.get(operation, ())))})")
    finally:
        platform.stop()
        clean_up(settings["goals"], env["MONGODB_DB_PREFIX"])
    report(results)


def report(results: list[SizeResult]) -> None:
    """Print the table and the targets; write artifacts/growth.md and artifacts/growth.png."""
    text = table(results, OPERATIONS)
    if cores := cpu_table(results):
        text += "\n\nCPU by process kind (cores, 1.00 = one core busy), idle for 10 s after the catch-up and " \
                "during the measured load:\n\n" + cores
    verdicts = targets(results, OPERATIONS)
    lines = [f"- {'met' if met else 'NOT MET'}: {name}" for name, met in verdicts]
    say("\n" + text + "\n\ntargets:\n" + "\n".join(lines))
    ARTIFACTS.mkdir(exist_ok=True)
    save(results, ARTIFACTS / "growth.json")
    (ARTIFACTS / "growth.md").write_text("# Growth benchmark\n\n" + text + "\n\n## Targets\n\n" + "\n".join(lines) + "\n")
    chart(results, OPERATIONS, ARTIFACTS / "growth.png")
    say(f"\nwrote {ARTIFACTS / 'growth.md'} and {ARTIFACTS / 'growth.png'}")


if __name__ == "__main__":
    sys.exit(main())
