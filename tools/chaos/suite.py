"""The fault suite: faults in turn under the load, then the checks, then the table.

`run(faults)` starts the chaos servers and the platform (tools/chaos/faults.py),
runs the load (tools/chaos/load.py) for a warm-up, injects each fault in turn
with `SETTLE_S` of load after each, stops the load, waits for the platform to
catch up, retries every interrupted command, waits again, and runs the checks
(tools/chaos/checks.py). It always stops what it started.

Each command belongs to the window of the fault that began last before it was
first sent ("warm-up" before the first). A fault's row counts the attempts
that failed in its window (by when they failed), the recovery time (from the fault to the first
2xx of a command sent after it, to the fault's API, or to any API when the fault
is not an API's), and the window's lost and duplicated commands.
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from shared.web.auth import mint_token
from tools.chaos import checks
from tools.chaos.faults import SECRET, Chaos, Fault
from tools.chaos.load import Command, Load, retry_interrupted

WARM_UP_S = 5.0
SETTLE_S = 6.0
CLINIC = "clinic-chaos"


@dataclass
class Row:
    fault: str
    began: float
    api: str | None = None
    failed: int = 0
    recovery_s: float | None = None
    ready_s: float | None = None      # until the fault's API answered /readyz 200 again
    fault_row: bool = True            # False: the warm-up's and the retries' rows (no recovery to measure)
    lost: int = 0
    duplicated: int = 0


@dataclass
class Outcome:
    rows: list[Row]
    commands: list[Command]            # the ledger's, in order (the checks' indexes)
    lost: dict[int, str] = field(default_factory=dict)
    duplicated: dict[int, int] = field(default_factory=dict)
    unresolved: dict[int, str] = field(default_factory=dict)
    retried: int = 0
    projections: list[str] = field(default_factory=list)
    lag: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    failures: Counter = field(default_factory=Counter)   # failed attempts by (command kind, answer)

    def table(self) -> str:
        lines = [f"{'fault':28s} {'failed':>7s} {'recovery s':>11s} {'lost':>5s} {'duplicated':>11s}"]
        for row in self.rows:
            recovery = ("-" if row.ready_s is None else f"{row.ready_s:.1f}*") if row.recovery_s is None \
                else f"{row.recovery_s:.1f}"
            lines.append(f"{row.fault:28s} {row.failed:7d} {recovery:>11s} {row.lost:5d} {row.duplicated:11d}")
        return "\n".join(lines + ["(* no command goes to that API: until its /readyz answered 200)"])

    def summary(self) -> str:
        acknowledged = sum(command.acknowledged for command in self.commands)
        parts = [f"{len(self.commands)} commands, {acknowledged} acknowledged, {self.retried} retried after "
                 f"an interruption, {self.seconds:.0f}s",
                 f"lost: {len(self.lost)}, duplicated: {len(self.duplicated)}, "
                 f"unresolved after retry: {len(self.unresolved)}",
                 "projections equal a fresh replay" if not self.projections
                 else f"{len(self.projections)} projection difference(s): " + "; ".join(self.projections[:10]),
                 "lag: " + ", ".join(f"{group} {behind}" for group, behind in self.lag.items()),
                 "failed attempts: " + ", ".join(f"{kind} {answer} x{n}" for (kind, answer), n in
                                                 self.failures.most_common())]
        return "\n".join(parts)


def run(faults: tuple[Fault, ...], rate: float = 10, say=print, brokers: int = 1) -> Outcome:
    began = time.monotonic()
    chaos = Chaos(brokers)
    say(f"chaos: starting the servers (profile {chaos.profile.name}: {brokers} Kafka broker(s)) "
        f"and the platform ({chaos.prefix})")
    chaos.start()
    try:
        token = "Bearer " + mint_token(SECRET, sub="chaos-clinician", clinic_id=CLINIC, role="clinician",
                                       ttl_seconds=6 * 3600)
        urls = {service: chaos.platform.url(service) for service in ("goals", "reminders", "reports")}
        load = Load(urls, token, CLINIC, rate=rate)
        rows = [Row("warm-up (no fault)", time.monotonic(), fault_row=False)]
        load.start()
        time.sleep(WARM_UP_S)
        for fault in faults:
            say(f"chaos: {fault.name}")
            row = Row(fault.name, time.monotonic(), fault.api)
            rows.append(row)
            chaos.inject(fault)
            row.ready_s = time.monotonic() - row.began if fault.api else None
            time.sleep(SETTLE_S)
        load.stop()
        rows.append(Row("(retries after the load)", time.monotonic(), fault_row=False))
        return conclude(chaos, load, rows, began, say)
    finally:
        chaos.stop()


def conclude(chaos: Chaos, load: Load, rows: list[Row], began: float, say) -> Outcome:
    config = {service: checks.settings(chaos.prefix, service, chaos.env) for service in ("goals", "reminders", "reports")}
    say("chaos: waiting for the platform to catch up, then retrying the interrupted commands")
    checks.caught_up(config)
    retried = retry_interrupted(load)
    lag = checks.caught_up(config)
    say("chaos: checking")
    commits = checks.commits_by_request(config)
    outcome = Outcome(rows, list(load.ledger.commands),
                      lost=checks.lost(load, config, commits), duplicated=checks.duplicated(load, commits),
                      unresolved=checks.unresolved(load, commits), retried=len(retried),
                      projections=checks.projection_differences(config), lag=lag)
    fill_rows(outcome, load)
    outcome.seconds = time.monotonic() - began
    return outcome


def window(rows: list[Row], at: float) -> Row:
    return [row for row in rows if row.began <= at][-1]


def fill_rows(outcome: Outcome, load: Load) -> None:
    rows = outcome.rows
    for command, attempt in load.ledger.attempts():
        ok = attempt.status is not None and 200 <= attempt.status < 300
        if not ok:  # a request in flight when the fault began failed during the fault
            window(rows, attempt.finished).failed += 1
            outcome.failures[(command.kind, f"{attempt.status or ''} {attempt.error}".strip())] += 1
        row = window(rows, attempt.started)
        if ok and row.fault_row and (row.api is None or command.service == row.api):
            took = attempt.finished - row.began
            row.recovery_s = took if row.recovery_s is None else min(row.recovery_s, took)
    for index, command in enumerate(load.ledger.commands):
        row = window(rows, command.first_sent)
        row.lost += index in outcome.lost
        row.duplicated += index in outcome.duplicated
