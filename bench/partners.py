"""Benchmark: partner webhook delivery against the raw HTTP POST rate of the same receivers, same run.

    KAFKA_BOOTSTRAP_SERVERS=... MONGODB_URI=... python -m bench.partners [--events 20000]

It starts the whole platform as separate processes (deploy.processes.Platform: free
ports, a database and topic prefix of its own, PARTNERS_ALLOWED_NETWORKS allowing
loopback) and, in a process of their own, ten local receivers (threaded HTTP/1.1
servers on 127.0.0.1): nine answer 204 at once, the failing one never answers in
time (it sleeps past PARTNERS_WEBHOOK_TIMEOUT_S, so every attempt holds a deliverer
thread for the whole timeout; the retries' base is 1 s, so it is tried again and
again). One subscription per clinic, created through the partners API, takes every
subscribable type; the events are the growth benchmark's goals (bench/growth_seed.py:
stored as commits and published to Kafka in bulk, six events per goal, clinics in
turn), so the router routes each event to its clinic's subscription only, and the
deliverer's webhook channel POSTs it. Three phases (PHASES: shares of the events):

  1. live, with the failing partner: the healthy URLs set throughout, so the
     router and the deliverer work together; the rate is the healthy deliveries
     over the time from the phase's first feed entry's ``recorded_at`` to the
     last arrival, the latency of each from its feed entry's ``recorded_at`` (the
     router's write) to its arrival (the events are published as a burst, so the
     time they were stored says only how long the router queued them);
  2. drained, without the failing partner (paused): the healthy URLs are cleared,
     the events routed, the other consumers left to catch up, then the URLs set
     again: the rate from then to the last arrival is the deliverer's alone;
  3. drained, with the failing partner active again, the same way;

then the raw rate: phase 3's healthy requests (same bodies and headers) sent again
to the same receivers by the deliverer's own HTTP client (delivery/webhook_request.py:
kept-alive connections) from one thread per healthy subscription, as the deliverer
runs at most one request per subscription at a time.

It prints each phase, the raw rate, the ratios against the targets (drained
deliveries >= 50% of the raw rate; with the failing partner no more than 10% below
without it) and the machine's load average. Not a test: it prints figures.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import signal
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests

from bench.goals_reached import free_port
from bench.growth import EVENTS_PER_GOAL, SECRET, clean_up, platform_env, say, wait_caught_up
from bench.growth_seed import Population, seed
from deploy.processes import Platform
from services.partners.delivery.webhook_request import Sender
from services.partners.domain.subscription import SUBSCRIBABLE
from services.partners.settings import PartnersSettings
from services.partners.store.documents import FEED
from shared.messaging.topics import ensure_topics
from shared.runtime.config import HTTP_PORTS, Settings
from shared.store import mongo
from shared.web.auth import mint_token
from shared.web.outbound import LOOPBACK, check_target, networks

RECEIVERS = 10
FAILING = RECEIVERS - 1           # the last clinic's partner fails
WEBHOOK_TIMEOUT_S = 10.0          # the deliverer's default, said explicitly: the failing receiver sleeps past it
PHASES = (0.2, 0.4, 0.4)        # shares of the events: live, drained without, drained with the failing one
DELIVERY_TIMEOUT_S = 240          # a phase not delivered by then is reported as it stands
HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature", "content-type", "user-agent")


# ---- receivers (a process of their own, so the raw client below never shares a GIL with them) ----

def serve_receivers(pipe, failing: int, sleep_s: float) -> None:
    """Run the receivers; answer the pipe's "ports" and "take" (the arrivals since the last take), until "stop"."""
    arrivals: list[tuple[int, str, float, bytes, dict]] = []
    lock = threading.Lock()

    def handler(index: int):
        class Receiver(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                payload = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if index == failing:
                    time.sleep(sleep_s)  # past the deliverer's timeout: it gives up and retries later
                    status = 500
                else:
                    with lock:
                        arrivals.append((index, self.headers["webhook-id"], time.time(), payload,
                                         {name: self.headers[name] for name in HEADERS}))
                    status = 204
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the deliverer hung up (the failing receiver)

            def log_message(self, *_):
                pass
        return Receiver

    servers = [ThreadingHTTPServer(("127.0.0.1", 0), handler(index)) for index in range(RECEIVERS)]
    for server in servers:
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
    while True:
        command = pipe.recv()
        if command == "ports":
            pipe.send([server.server_address[1] for server in servers])
        elif command == "take":
            with lock:
                taken, arrivals[:] = list(arrivals), []
            pipe.send(taken)
        else:
            return


class Receivers:
    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self.pipe, theirs = context.Pipe()
        self.process = context.Process(target=serve_receivers, args=(theirs, FAILING, WEBHOOK_TIMEOUT_S + 1),
                                       daemon=True)
        self.process.start()
        self.pipe.send("ports")
        self.ports = self.pipe.recv()

    def take(self) -> list[tuple[int, str, float, bytes, dict]]:
        self.pipe.send("take")
        return self.pipe.recv()

    def stop(self) -> None:
        self.pipe.send("stop")
        self.process.join(timeout=10)


# ---- the platform side ----

class Partners:
    """The subscriptions, through the partners API (one per clinic, clinic-00 to clinic-09)."""

    def __init__(self, base: str, ports: list[int]) -> None:
        self.base, self.ports, self.ids = base, ports, {}

    def _headers(self, clinic_number: int) -> dict:
        clinic = f"clinic-{clinic_number:02d}"
        return {"Authorization": "Bearer " + mint_token(SECRET, sub=f"admin-{clinic}", clinic_id=clinic,
                                                        role="clinic_admin", ttl_seconds=3600)}

    def url(self, clinic_number: int) -> str:
        return f"http://127.0.0.1:{self.ports[clinic_number]}/hook"

    def subscribe(self, clinic_number: int) -> None:
        answer = requests.post(f"{self.base}/v1/subscriptions", headers=self._headers(clinic_number), timeout=30,
                               json={"partner_id": f"partner-{clinic_number:02d}", "event_types": list(SUBSCRIBABLE),
                                     "url": self.url(clinic_number)})
        if answer.status_code != 201:
            raise SystemExit(f"subscription refused: {answer.status_code} {answer.text}")
        self.ids[clinic_number] = answer.json()["subscription_id"]

    def patch(self, clinic_number: int, change: dict) -> None:
        answer = requests.patch(f"{self.base}/v1/subscriptions/{self.ids[clinic_number]}", json=change,
                                headers=self._headers(clinic_number), timeout=30)
        if answer.status_code != 200:
            raise SystemExit(f"subscription change refused: {answer.status_code} {answer.text}")

    def healthy(self) -> list[str]:
        return [subscription_id for clinic, subscription_id in self.ids.items() if clinic != FAILING]


def events_by_clinic(first: int, last: int) -> dict[int, int]:
    counts: dict[int, int] = {}
    for number in range(first, last):
        clinic = int(Population.clinic(number).rsplit("-", 1)[1])
        counts[clinic] = counts.get(clinic, 0) + EVENTS_PER_GOAL
    return counts


def wait_for(done, what: str, platform: Platform) -> None:
    deadline = time.monotonic() + DELIVERY_TIMEOUT_S
    while not done():
        failed = [process.name for process in platform.supervision.processes() if process.failed]
        if failed:
            raise SystemExit(f"processes exited: {failed}\n{platform.supervision.tail(failed[0])}")
        if time.monotonic() > deadline:
            raise SystemExit(f"{what}: not done after {DELIVERY_TIMEOUT_S}s")
        time.sleep(0.2)


def run_phase(name: str, live: bool, bench: dict, first: int, last: int) -> dict:
    """Seed goals first..last-1 and wait for every healthy delivery: live, with the healthy URLs set throughout
    (the rate from the phase's first feed entry, and the latencies), or drained, with their URLs set only once the
    router has written every entry and the other consumers have caught up (the rate from then on: the deliverer
    alone)."""
    partners, receivers, db, platform = bench["partners"], bench["receivers"], bench["db"], bench["platform"]
    expected = sum(n for clinic, n in events_by_clinic(first, last).items() if clinic != FAILING)
    healthy = [clinic for clinic in partners.ids if clinic != FAILING]
    if not live:
        for clinic in healthy:
            partners.patch(clinic, {"url": None})
    routed_before = db[FEED].count_documents({"subscription_id": {"$in": partners.healthy()}})
    began = time.monotonic()
    sent = seed(bench["goals_db"], bench["goals"], first, last, datetime.now(timezone.utc))
    say(f"  {name}: published {sent:,} events in {time.monotonic() - began:.1f}s; {expected:,} healthy deliveries due")
    arrivals: list = []
    if not live:
        wait_for(lambda: db[FEED].count_documents({"subscription_id": {"$in": partners.healthy()}})
                 >= routed_before + expected, f"{name}: routing", platform)
        routed = time.monotonic() - began
        caught_up = wait_caught_up(bench["settings"], platform)  # nothing else of the platform at work meanwhile
        say(f"    routed in {routed:.1f}s, the other consumers caught up {caught_up:.1f}s later; now delivering")
        began = time.time()
        for clinic in healthy:
            partners.patch(clinic, {"url": partners.url(clinic)})

    def delivered() -> bool:
        arrivals.extend(receivers.take())
        return len(arrivals) >= expected
    wait_for(delivered, f"{name}: delivery", platform)
    unique = {arrival[1]: arrival for arrival in arrivals}  # a webhook-id delivered twice counts once
    recorded = {doc["event"]["id"]: doc["recorded_at"].replace(tzinfo=timezone.utc).timestamp()
                for doc in db[FEED].find({"event.id": {"$in": list(unique)}}, {"event.id": 1, "recorded_at": 1})}
    start = min(recorded.values()) if live else began
    end = max(arrival[2] for arrival in unique.values())
    latencies = sorted(arrival[2] - recorded[webhook_id] for webhook_id, arrival in unique.items())
    return {"name": name, "live": live, "arrivals": list(unique.values()), "expected": expected,
            "duplicates": len(arrivals) - len(unique), "rate": len(unique) / (end - start), "seconds": end - start,
            "routed_s": max(recorded.values()) - min(recorded.values()),
            "p50_ms": latencies[len(latencies) // 2] * 1000,
            "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000}


def raw_rate(arrivals: list, ports: list[int], allowed) -> dict:
    """The same requests again, one thread per receiver, through the deliverer's HTTP client."""
    by_receiver: dict[int, list] = {}
    for index, _, _, payload, sent_headers in arrivals:
        by_receiver.setdefault(index, []).append((payload, sent_headers))
    sender = Sender(WEBHOOK_TIMEOUT_S, len(by_receiver))
    failures = [0]

    def client(index: int, requests_: list) -> None:
        target = check_target(f"http://127.0.0.1:{ports[index]}/hook", allowed)
        for payload, sent_headers in requests_:
            if not sender.post(target, payload, sent_headers).delivered:
                failures[0] += 1

    threads = [threading.Thread(target=client, args=item) for item in by_receiver.items()]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    sender.close()
    return {"posts": len(arrivals), "failures": failures[0], "seconds": elapsed, "rate": len(arrivals) / elapsed,
            "threads": len(threads)}


def show(phase: dict) -> None:
    latency = f"latency p50 {phase['p50_ms']:6.0f} ms  p99 {phase['p99_ms']:6.0f} ms  " if phase["live"] else ""
    routed = f", routed over {phase['routed_s']:.1f}s" if phase["live"] else ""
    say(f"  {phase['name']:34s} {phase['rate']:7.1f} deliveries/s  {latency}({len(phase['arrivals']):,} of "
        f"{phase['expected']:,} in {phase['seconds']:.1f}s, {phase['duplicates']} duplicates{routed})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=20_000, help="events in all, half in each phase")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # `timeout` too stops the platform and cleans up
    receivers = Receivers()
    run_id = uuid.uuid4().hex[:8]
    env = {**platform_env(run_id), "MONGODB_DB_PREFIX": f"partners{run_id}", "KAFKA_TOPIC_PREFIX": f"partners{run_id}-",
           "PARTNERS_ALLOWED_NETWORKS": LOOPBACK, "PARTNERS_RETRY_BASE_S": "1",
           "PARTNERS_WEBHOOK_TIMEOUT_S": str(WEBHOOK_TIMEOUT_S)}
    settings = {service: Settings(service=service, mongodb_db_prefix=env["MONGODB_DB_PREFIX"],
                                  topic_prefix=env["KAFKA_TOPIC_PREFIX"]) for service in ("goals", "reminders", "reports")}
    goals = settings["goals"]
    partners = PartnersSettings(mongodb_db_prefix=env["MONGODB_DB_PREFIX"], topic_prefix=env["KAFKA_TOPIC_PREFIX"])
    ports = {service: free_port() for service in HTTP_PORTS}
    platform = Platform(Path(tempfile.mkdtemp(prefix="bench-partners-")), env, ports, metrics=False)
    goals_per_phase = [round(args.events * share / EVENTS_PER_GOAL) for share in PHASES]
    say(f"partners benchmark: {RECEIVERS} subscriptions (one failing: no answer within "
        f"{WEBHOOK_TIMEOUT_S:g}s), {sum(goals_per_phase) * EVENTS_PER_GOAL:,} events in three phases, "
        f"deliverer concurrency {partners.webhook_concurrency}")
    say(f"  machine load average (1 min) at the start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    ensure_topics(goals)
    platform.start()
    try:
        platform.wait_ready(timeout=120)
        bench = {"receivers": receivers, "platform": platform, "settings": settings, "db": mongo.database(partners), "goals": goals,
                 "goals_db": mongo.database(goals), "partners": Partners(platform.url("partners"), receivers.ports)}
        for clinic in range(RECEIVERS):
            bench["partners"].subscribe(clinic)
        bounds = [sum(goals_per_phase[:n]) for n in range(len(PHASES) + 1)]
        live = run_phase("live, with the failing partner", True, bench, bounds[0], bounds[1])
        bench["partners"].patch(FAILING, {"status": "paused"})
        without = run_phase("drained, without the failing one", False, bench, bounds[1], bounds[2])
        bench["partners"].patch(FAILING, {"status": "active"})
        with_failing = run_phase("drained, with the failing one", False, bench, bounds[2], bounds[3])
        raw = raw_rate(with_failing["arrivals"], receivers.ports, networks(LOOPBACK))
        receivers.take()  # the raw requests' arrivals
        load = os.getloadavg()
    finally:
        platform.stop()
        clean_up(goals, env["MONGODB_DB_PREFIX"])
        receivers.stop()
    say("\nhealthy subscriptions (latency: feed entry recorded_at -> arrival at the receiver):")
    for phase in (live, without, with_failing):
        show(phase)
    say(f"  {'raw HTTP POST, same requests':34s} {raw['rate']:7.1f} POSTs/s  ({raw['posts']:,} in "
        f"{raw['seconds']:.1f}s, {raw['threads']} threads, {raw['failures']} failed)")
    say(f"\ndrained deliveries / raw POST rate (with the failing partner): "
        f"{with_failing['rate'] / raw['rate']:.0%} (target >= 50%)")
    say(f"drained, with / without the failing partner: {with_failing['rate'] / without['rate']:.0%} "
        f"(target >= 90%: no more than 10% lower)")
    say(f"machine load average (1, 5, 15 min) at the end: {load[0]:.1f}, {load[1]:.1f}, {load[2]:.1f} "
        f"on {os.cpu_count()} cores")


if __name__ == "__main__":
    sys.exit(main())
