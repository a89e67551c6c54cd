"""What the fault suite asserts once the faults are over and the platform has caught up.

- nothing acknowledged is lost: every command answered 2xx stored its commit
  (found by the request id the goals service keeps on its events) and shows
  through the APIs: the goal (also in its client's listing and the reports), the
  reached milestone (goals API and reports), the session, the preferences;
- nothing is applied twice: at most one commit per request id (one command,
  one Idempotency-Key: a retry reuses both);
- every projection equals a fresh replay: the reports projections and the
  reminders facts (services.reports.rebuild's `verify`), the goals listing
  (services.goals.rebuild into a scratch database, compared the same way);
- consumer lag returns to 0: each group's committed offsets reach the end offsets;
- every interrupted request resolved on retry to a definite answer that tells
  the truth: 2xx when it was applied, a 4xx only when it was not.
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import replace

import requests

from bench.growth import lag
from services.goals.rebuild import rebuild as rebuild_goals_listing
from services.goals.store.read_model import GOAL_INDEX, SESSION_INDEX
from services.reminders.projection import NAME as REMINDERS_PROJECTOR, reminders_projection
from services.reminders.store.documents import FACT_COLLECTIONS
from services.reports.projection import NAME as REPORTS_PROJECTOR, reports_projection
from services.reports.rebuild import SCRATCH_SUFFIX, differences, verify
from shared.messaging.topics import GOALS_EVENTS, REMINDERS_EVENTS
from shared.runtime.config import Settings
from shared.store import mongo
from shared.store.eventstore import COMMITS, EventStore
from tools.chaos.load import Command, Load

GROUPS = {REPORTS_PROJECTOR: (GOALS_EVENTS, REMINDERS_EVENTS), REMINDERS_PROJECTOR: (GOALS_EVENTS,)}
CATCH_UP_TIMEOUT_S = 180
GUARD = {"version": 0}


def settings(prefix: str, service: str, env: dict[str, str]) -> Settings:
    return Settings(service=service, kafka_bootstrap_servers=env["KAFKA_BOOTSTRAP_SERVERS"],
                    mongodb_uri=env["MONGODB_URI"], mongodb_db_prefix=prefix, topic_prefix=f"{prefix}-")


def caught_up(config: dict[str, Settings], timeout: float = CATCH_UP_TIMEOUT_S) -> dict[str, int]:
    """Wait until the relay published every commit and each group committed the end offsets; the lag per group
    at the end (all 0 unless `timeout` passed)."""
    store = EventStore(mongo.database(config["goals"]))
    ends = time.monotonic() + timeout
    while True:
        behind = {group: lag(config["goals"], {group: topics}) for group, topics in GROUPS.items()}
        behind["goals relay (unpublished commits)"] = store.count_unpublished()
        if not any(behind.values()) or time.monotonic() > ends:
            return behind
        time.sleep(1)


def commits_by_request(config: dict[str, Settings]) -> Counter:
    """How many commits carry each request id (the events' correlation id)."""
    found: Counter = Counter()
    for commit in mongo.database(config["goals"])[COMMITS].find({}, {"events.correlationid": 1}):
        found.update({event.get("correlationid") for event in commit["events"]} - {None})
    return found


def lost(load: Load, config: dict[str, Settings], commits: Counter) -> dict[int, str]:
    """Acknowledged commands missing from the store or the APIs: {ledger index: what is missing}."""
    api = Reader(load)
    missing = {}
    for index, command in enumerate(load.ledger.commands):
        if command.acknowledged:
            gone = ([] if command.service != "goals" or commits[command.request_id] else ["event store"])
            gone += api.missing(command)
            if gone:
                missing[index] = ", ".join(gone)
    return missing


def duplicated(load: Load, commits: Counter) -> dict[int, int]:
    """Commands stored more than once: {ledger index: commits}."""
    return {i: commits[c.request_id] for i, c in enumerate(load.ledger.commands) if commits[c.request_id] > 1}


def unresolved(load: Load, commits: Counter) -> dict[int, str]:
    """Interrupted commands whose retries ended without a definite, truthful answer: {ledger index: why}."""
    found = {}
    for index, command in enumerate(load.ledger.commands):
        if not command.interrupted:
            continue
        last = command.last
        applied = command.service != "goals" or commits[command.request_id] > 0
        if not command.definite:
            found[index] = f"no definite answer: {last.status or 'no answer'} {last.error}".rstrip()
        elif last.status >= 400 and applied:
            found[index] = f"answered {last.status} {last.error} although it was applied".rstrip()
    return found


def projection_differences(config: dict[str, Settings]) -> list[str]:
    """Every difference between a live projection and a fresh replay of its events."""
    quiet = lambda done, total: None  # noqa: E731
    reports, reminders = config["reports"], config["reminders"]
    found = verify(reports_projection(), reports, mongo.database(reports), progress=quiet)
    found += verify(replace(reminders_projection(), collections=FACT_COLLECTIONS), reminders,
                    mongo.database(reminders), progress=quiet)
    return found + goals_listing_differences(mongo.database(config["goals"]))


def goals_listing_differences(db) -> list[str]:
    """The goals listing compared with services.goals.rebuild run over a copy of the event store.

    The documents' `version` is the write guard's (services/goals/store/read_model.py: a summary is written only
    when it changes, a rebuild writes the stream's version), so it is left out, as the listings leave it out."""
    scratch = db.client[db.name + SCRATCH_SUFFIX]
    db.client.drop_database(scratch.name)
    try:
        scratch[COMMITS].insert_many(list(db[COMMITS].find()))
        rebuild_goals_listing(scratch)
        return [line for name in (GOAL_INDEX, SESSION_INDEX)
                for line in differences(name, list(db[name].find({}, GUARD)), list(scratch[name].find({}, GUARD)))]
    finally:
        db.client.drop_database(scratch.name)


class Reader:
    """Reads what an acknowledged command should show through the public APIs."""

    def __init__(self, load: Load):
        self.load, self.http = load, requests.Session()
        self.http.headers["Authorization"] = load.token
        self.listings: dict[str, set[str]] = {}

    def get(self, service: str, path: str) -> dict | None:
        response = self.http.get(self.load.urls[service] + path, timeout=10)
        return response.json() if response.status_code == 200 else None

    def missing(self, command: Command) -> list[str]:
        refs = command.refs
        if command.kind == "create_goal":
            gone = [] if self.get("goals", f"/v1/goals/{refs['goal_id']}") else ["goals API"]
            gone += [] if refs["goal_id"] in self.listed(refs["client_id"]) else ["goals listing"]
            return gone + ([] if self.get("reports", f"/v1/reports/goals/{refs['goal_id']}") else ["reports"])
        if command.kind == "reach_milestone":
            goal = self.get("goals", f"/v1/goals/{refs['goal_id']}") or {"milestones": []}
            report = self.get("reports", f"/v1/reports/goals/{refs['goal_id']}") or {"milestones": []}
            return [where for where, found in (("goals API", goal), ("reports", report))
                    if not any(m["milestone_id"] == refs["milestone_id"] and m["reached_at"]
                               for m in found["milestones"])]
        if command.kind == "log_session":
            return [] if self.get("goals", f"/v1/sessions/{refs['session_id']}") else ["goals API"]
        preferences = self.get("reminders", f"/v1/clients/{refs['client_id']}/preferences") or {}
        return [] if preferences.get("timezone") == command.mark else ["reminders API"]

    def listed(self, client_id: str) -> set[str]:
        if client_id not in self.listings:
            page = self.get("goals", f"/v1/goals?client_id={client_id}") or {"items": []}
            self.listings[client_id] = {goal["goal_id"] for goal in page["items"]}
        return self.listings[client_id]
