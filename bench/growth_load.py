"""The growth benchmark's load: an open-loop, bounded stream of commands, reads beside it, against the public API.

Commands are scheduled at fixed times (50/s by default: per six slots one goal
set with two milestones, two of those milestones reached, three sessions
logged, the data's own shape) and sent at their time whatever the answers
before them (open loop): a slow answer does not slow the schedule, so queueing
shows in the latencies, which run from the scheduled time to the answer. Each
kind of read has one reader of its own sending its next request a pause after
the last answer, so a read that grows slow is measured without piling up
requests that would slow everything else. The run is bounded in count (rate x
seconds) and in time (every request times out). Every goal set starts a watch
that polls the reports API until the goal is there: its freshness, from the
201 to the first 200.
"""
from __future__ import annotations

import collections
import json
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import urllib3

from bench.growth_seed import CLINICS, GOALS_PER_CLIENT, Population

COMMANDS = ("create_goal", "reach_milestone", "reach_milestone", "log_session", "log_session", "log_session")
READS = ("get_goal", "list_goals", "client_report", "clinic_report")
LABELS = {
    "create_goal": "POST /v1/goals",
    "reach_milestone": "POST /v1/goals/{id}/milestones/{mid}/reached",
    "log_session": "POST /v1/sessions",
    "get_goal": "GET /v1/goals/{id}",
    "list_goals": "GET /v1/goals?client_id=",
    "client_report": "GET /v1/reports/clients/{id}",
    "clinic_report": "GET /v1/reports/clinic",
    "freshness": "freshness POST /v1/goals 201 -> reports",
}
REQUEST_TIMEOUT_S = 30
POOL_SIZE = 96  # connections kept per service: more than the threads that send at once (load, readers, watches)
FRESHNESS_POLL_S = 0.05
READ_PAUSE_S = 0.25
FRESHNESS_GIVE_UP_S = 15


class Recorder:
    """Latencies (seconds) of successful requests and counts of failed or skipped ones, per operation."""

    def __init__(self):
        self.latencies: dict[str, list[float]] = collections.defaultdict(list)
        self.failures: collections.Counter = collections.Counter()
        self.statuses: dict[str, set] = collections.defaultdict(set)
        self.lock = threading.Lock()

    def ok(self, operation: str, seconds: float) -> None:
        with self.lock:
            self.latencies[operation].append(seconds)

    def failed(self, operation: str, status) -> None:
        with self.lock:
            self.failures[operation] += 1
            self.statuses[operation].add(status)


class Workload:
    """What each operation sends, over the seeded population of `size` goals (and the goals the load sets)."""

    def __init__(self, urls: dict[str, str], tokens: dict[str, str], size: int, recorder: Recorder, seed: int):
        self.urls, self.tokens, self.size, self.recorder = urls, tokens, size, recorder
        self.random = random.Random(seed)
        self.pending: collections.deque = collections.deque()  # (clinic, goal_id, milestone_id) not yet reached
        # urllib3 rather than requests: about a third of the client's CPU per request, and the client shares the
        # platform's two cores
        self.http = urllib3.PoolManager(maxsize=POOL_SIZE, retries=False)
        self.watches: ThreadPoolExecutor | None = None  # one per run
        self.lock = threading.Lock()

    def request(self, method: str, url: str, clinic: str, body=None, timeout: float = REQUEST_TIMEOUT_S):
        """The answer (status, data) over a kept-alive connection; urllib3.exceptions.HTTPError when none came."""
        headers = {"Authorization": self.tokens[clinic]}
        if body is not None:
            headers["Content-Type"] = "application/json"
        return self.http.request(method, url, body=None if body is None else json.dumps(body), headers=headers,
                                 timeout=timeout)

    def _seeded(self) -> int:
        with self.lock:
            return self.random.randrange(self.size)

    def _call(self, operation: str, method: str, service: str, path: str, clinic: str, due: float, body=None,
              expected: int = 200):
        try:
            response = self.request(method, self.urls[service] + path, clinic, body)
        except urllib3.exceptions.HTTPError as error:
            self.recorder.failed(operation, type(error).__name__)
            return None
        if response.status != expected:
            self.recorder.failed(operation, response.status)
            return None
        self.recorder.ok(operation, time.perf_counter() - due)
        return response

    # --- commands ----------------------------------------------------------

    def create_goal(self, due: float, watch: bool = True) -> None:
        number = self._seeded()
        clinic = Population.clinic(number)
        today = datetime.now(timezone.utc).date()
        body = {"client_id": Population.client(number), "title": "Walk to the shop", "category": "anxiety",
                "target_date": (today + timedelta(days=120)).isoformat(),
                "milestones": [{"title": f"Step {m}", "due_date": (today + timedelta(days=30 * (m + 1))).isoformat()}
                               for m in range(2)]}
        response = self._call("create_goal", "POST", "goals", "/v1/goals", clinic, due, body, expected=201)
        if response is None:
            return
        created = time.perf_counter()
        goal = json.loads(response.data)
        for milestone in goal["milestones"]:
            self.pending.append((clinic, goal["goal_id"], milestone["milestone_id"]))
        if watch:
            self.watches.submit(self._watch, clinic, goal["goal_id"], created)

    def reach_milestone(self, due: float) -> None:
        try:
            clinic, goal_id, milestone_id = self.pending.popleft()
        except IndexError:
            self.recorder.failed("reach_milestone", "no milestone to reach yet")
            return
        self._call("reach_milestone", "POST", "goals", f"/v1/goals/{goal_id}/milestones/{milestone_id}/reached",
                   clinic, due, {})

    def log_session(self, due: float) -> None:
        number = self._seeded()
        occurred = datetime.now(timezone.utc) - timedelta(hours=1)
        body = {"client_id": Population.client(number), "occurred_at": occurred.isoformat(), "duration_minutes": 50,
                "attendance": "attended", "modality": "video",
                "goals": [{"goal_id": Population.goal(number), "rating": 1}],
                "measures": {"phq9": 9, "phq9_item9": 0, "gad7": 7}}
        self._call("log_session", "POST", "goals", "/v1/sessions", Population.clinic(number), due, body, expected=201)

    # --- reads -------------------------------------------------------------

    def get_goal(self, due: float) -> None:
        number = self._seeded()
        self._call("get_goal", "GET", "goals", f"/v1/goals/{Population.goal(number)}", Population.clinic(number), due)

    def list_goals(self, due: float) -> None:
        number = self._seeded()
        self._call("list_goals", "GET", "goals", f"/v1/goals?client_id={Population.client(number)}",
                   Population.clinic(number), due)

    def client_report(self, due: float) -> None:
        number = self._seeded()
        self._call("client_report", "GET", "reports", f"/v1/reports/clients/{Population.client(number)}",
                   Population.clinic(number), due)

    def clinic_report(self, due: float) -> None:
        clinic = Population.clinic(self._seeded())
        self._call("clinic_report", "GET", "reports", "/v1/reports/clinic", clinic, due)

    def prepare(self, goals: int) -> None:
        """Set `goals` goals one after the other (not measured), so milestones wait to be reached from the start."""
        for _ in range(goals):
            self.create_goal(time.perf_counter(), watch=False)

    # --- freshness ---------------------------------------------------------

    def _watch(self, clinic: str, goal_id: str, created: float) -> None:
        url = f"{self.urls['reports']}/v1/reports/goals/{goal_id}"
        while time.perf_counter() - created < FRESHNESS_GIVE_UP_S:
            try:
                status = self.request("GET", url, clinic, timeout=5).status
            except urllib3.exceptions.HTTPError:
                status = None
            if status == 200:
                self.recorder.ok("freshness", time.perf_counter() - created)
                return
            time.sleep(FRESHNESS_POLL_S)
        self.recorder.failed("freshness", f"not visible after {FRESHNESS_GIVE_UP_S}s")


def schedule(seconds: float, command_rate: float) -> list[tuple[float, str]]:
    """(offset in seconds, command) of every command, in time order."""
    return [(i / command_rate, COMMANDS[i % len(COMMANDS)]) for i in range(int(seconds * command_rate))]


def run(workload: Workload, seconds: float, command_rate: float, workers: int = 48) -> Recorder:
    """Send the commands open-loop from a bounded pool while each reader reads back to back; return when every
    request and watch has finished."""
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="load")
    workload.watches = ThreadPoolExecutor(max_workers=16, thread_name_prefix="freshness")
    start = time.perf_counter() + 0.5
    readers = [threading.Thread(target=_reader, args=(workload, operation, start + seconds)) for operation in READS]
    for reader in readers:
        reader.start()
    for offset, operation in schedule(seconds, command_rate):
        due = start + offset
        pause = due - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        pool.submit(_guarded, workload, operation, due)
    for reader in readers:
        reader.join()
    pool.shutdown(wait=True)
    workload.watches.shutdown(wait=True)
    return workload.recorder


def one_at_a_time(workload: Workload, operations, repeat: int) -> Recorder:
    """Each operation `repeat` times, one request at a time with nothing else sent: the service time alone."""
    workload.recorder = Recorder()
    workload.prepare(repeat)
    for operation in operations:
        for _ in range(repeat):
            if operation == "create_goal":
                workload.create_goal(time.perf_counter(), watch=False)
            else:
                _guarded(workload, operation, time.perf_counter())
    return workload.recorder


def _reader(workload: Workload, operation: str, until: float) -> None:
    while time.perf_counter() < until:
        _guarded(workload, operation, time.perf_counter())
        time.sleep(READ_PAUSE_S)


def _guarded(workload: Workload, operation: str, due: float) -> None:
    """Run one operation; a bench-side error counts as its failure instead of vanishing in the pool."""
    try:
        getattr(workload, operation)(due)
    except Exception as error:  # noqa: BLE001 - counted and shown with the figures
        workload.recorder.failed(operation, f"bench error {type(error).__name__}: {error}")


def tokens_for_clinics(mint) -> dict[str, str]:
    """A bearer token per seeded clinic (`mint(clinic_id)`)."""
    return {Population.clinic(n * GOALS_PER_CLIENT): mint(Population.clinic(n * GOALS_PER_CLIENT))
            for n in range(CLINICS)}
