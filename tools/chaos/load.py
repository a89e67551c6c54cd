"""The fault suite's load: a bounded stream of commands through the public APIs, every one on record.

Commands, in turn: a goal set (two milestones), a session logged for a goal,
a milestone of an earlier goal reached, a client's reminder preferences set.
Each command has a request id (sent as X-Correlation-ID, which the goals
service stores on its events) and, on the goals API's POSTs, an
Idempotency-Key; the ledger keeps every attempt (when, answer) of every command.
A goal's title, a session's time and a client's time zone are the command's own,
so what a command stored can be told apart from every other command's.

The load is bounded: at most `rate` commands a second from a bounded pool,
until stopped or `limit` commands were sent, each request with a timeout. A
command that failed (no answer, 5xx, 409 in use) is left for `retry_interrupted`,
which sends it again, same key and request id, once the faults are over.
"""
from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import requests

REQUEST_TIMEOUT_S = 10
KINDS = ("create_goal", "log_session", "reach_milestone", "set_preferences")
IN_USE = "idempotency-key-in-use"


@dataclass
class Attempt:
    started: float                 # time.monotonic()
    finished: float
    status: int | None             # None: no answer (connection refused, timeout)
    error: str = ""                # the exception's name, or the answer's error code


@dataclass
class Command:
    kind: str
    service: str
    method: str
    path: str
    body: dict
    clinic: str
    request_id: str
    key: str | None                # Idempotency-Key (the goals API's POSTs)
    mark: str                      # the value only this command stores (title, occurred_at, timezone)
    refs: dict = field(default_factory=dict)    # goal_id, milestone_id, client_id, session_id once known
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def first_sent(self) -> float:
        return self.attempts[0].started

    @property
    def acknowledged(self) -> bool:
        return any(a.status is not None and 200 <= a.status < 300 for a in self.attempts)

    @property
    def last(self) -> Attempt:
        return self.attempts[-1]

    @property
    def definite(self) -> bool:
        """Answered 2xx, or 4xx other than "key in use" (the client knows the outcome)."""
        last = self.last
        return last.status is not None and last.status < 500 and last.error != IN_USE

    @property
    def interrupted(self) -> bool:
        """Some attempt got no definite answer (the ones `retry_interrupted` resolves)."""
        return any(a.status is None or a.status >= 500 or a.error == IN_USE for a in self.attempts)


class Ledger:
    """Every command sent and every attempt, in order."""

    def __init__(self):
        self.commands: list[Command] = []
        self.lock = threading.Lock()

    def add(self, command: Command) -> None:
        with self.lock:
            self.commands.append(command)

    def attempts(self) -> list[tuple[Command, Attempt]]:
        with self.lock:
            return [(c, a) for c in self.commands for a in list(c.attempts)]


class Load:
    """Sends commands at `rate` a second from `workers` threads until `stop()` or `limit` commands."""

    def __init__(self, urls: dict[str, str], token: str, clinic: str, rate: float = 10, limit: int = 10_000,
                 workers: int = 16):
        self.urls, self.token, self.clinic = urls, token, clinic
        self.rate, self.limit, self.workers = rate, limit, workers
        self.ledger = Ledger()
        self.reachable: deque = deque()         # (goal command, milestone id) not reached yet
        self.goals: deque = deque(maxlen=50)    # recent acknowledged goal commands, for sessions
        self.local = threading.local()
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self.run_id = uuid.uuid4().hex[:8]
        self.count = itertools.count()

    # --- running -------------------------------------------------------------------------------

    def start(self) -> None:
        self.thread = threading.Thread(target=self._schedule, name="chaos-load", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join()

    def _schedule(self) -> None:
        with ThreadPoolExecutor(self.workers, thread_name_prefix="chaos-load") as pool:
            began = time.monotonic()
            for n in range(self.limit):
                if self.stopping.is_set():
                    break
                pause = began + n / self.rate - time.monotonic()
                if pause > 0:
                    self.stopping.wait(pause)
                command = self._next(KINDS[n % len(KINDS)])
                if command is not None:
                    self.ledger.add(command)
                    pool.submit(self.send, command)

    # --- commands ------------------------------------------------------------------------------

    def _next(self, kind: str) -> Command | None:
        n = next(self.count)
        tag = f"{self.run_id}-{n:06d}"
        today = datetime.now(timezone.utc).date()
        if kind == "create_goal":
            client = f"client-{tag}"
            body = {"client_id": client, "title": f"Goal {tag}", "category": "anxiety",
                    "target_date": (today + timedelta(days=120)).isoformat(),
                    "milestones": [{"title": f"Step {m}", "due_date": (today + timedelta(days=30 * (m + 1))).isoformat()}
                                   for m in range(2)]}
            return self._command(kind, "goals", "POST", "/v1/goals", body, tag, body["title"], {"client_id": client})
        if kind == "reach_milestone":
            try:
                goal, milestone_id = self.reachable.popleft()
            except IndexError:
                return None
            path = f"/v1/goals/{goal.refs['goal_id']}/milestones/{milestone_id}/reached"
            return self._command(kind, "goals", "POST", path, {}, tag, milestone_id,
                                 {"goal_id": goal.refs["goal_id"], "milestone_id": milestone_id})
        if kind == "log_session":
            try:
                goal = self.goals[-1]
            except IndexError:
                return None
            occurred = (datetime.now(timezone.utc) - timedelta(hours=1)).isoformat(timespec="microseconds")
            body = {"client_id": goal.refs["client_id"], "occurred_at": occurred, "duration_minutes": 50,
                    "attendance": "attended", "modality": "video",
                    "goals": [{"goal_id": goal.refs["goal_id"], "rating": 1}]}
            return self._command(kind, "goals", "POST", "/v1/sessions", body, tag, occurred,
                                 {"client_id": goal.refs["client_id"]})
        client = f"client-{tag}"
        zone = ("Europe/Berlin", "America/Chicago", "Asia/Tokyo")[n % 3]
        body = {"timezone": zone, "quiet_start": "22:00", "quiet_end": "07:00"}
        return self._command(kind, "reminders", "PUT", f"/v1/clients/{client}/preferences", body, None, zone,
                             {"client_id": client}, keyed=False)

    def _command(self, kind, service, method, path, body, tag, mark, refs, keyed: bool = True) -> Command:
        return Command(kind, service, method, path, body, self.clinic, request_id=f"chaos-{tag}",
                       key=f"chaos-{tag}" if keyed else None, mark=mark, refs=refs)

    def send(self, command: Command) -> Attempt:
        """One attempt of the command; the ledger keeps it, and an answer teaches the load what it created."""
        headers = {"Authorization": self.token, "X-Correlation-ID": command.request_id}
        if command.key:
            headers["Idempotency-Key"] = command.key
        started = time.monotonic()
        try:
            response = self._session().request(command.method, self.urls[command.service] + command.path,
                                               json=command.body, headers=headers, timeout=REQUEST_TIMEOUT_S)
        except requests.RequestException as error:
            attempt = Attempt(started, time.monotonic(), None, type(error).__name__)
        else:
            attempt = Attempt(started, time.monotonic(), response.status_code, _error_code(response))
            if 200 <= response.status_code < 300:
                self._learn(command, response.json())
        command.attempts.append(attempt)
        return attempt

    def _learn(self, command: Command, answer: dict) -> None:
        if command.kind == "create_goal" and "goal_id" not in command.refs:
            command.refs["goal_id"] = answer["goal_id"]
            self.goals.append(command)
            self.reachable.extend((command, m["milestone_id"]) for m in answer["milestones"][:1])
        elif command.kind == "log_session":
            command.refs["session_id"] = answer["session_id"]

    def _session(self) -> requests.Session:
        if not hasattr(self.local, "session"):
            self.local.session = requests.Session()
        return self.local.session


def _error_code(response: requests.Response) -> str:
    if response.status_code < 400:
        return ""
    try:
        return str(response.json().get("error_code") or "")
    except ValueError:
        return "not JSON"


def retry_interrupted(load: Load, deadline_s: float = 90, pause_s: float = 1) -> list[Command]:
    """Send every command that got no definite answer again (same key and request id) until it gets one or
    `deadline_s` passes; the commands retried."""
    pending = [c for c in load.ledger.commands if not c.definite]
    retried = list(pending)
    ends = time.monotonic() + deadline_s
    while pending and time.monotonic() < ends:
        for command in pending:
            load.send(command)
        pending = [c for c in pending if not c.definite]
        if pending:
            time.sleep(pause_s)
    return retried
