"""What one client adds to its clinic's aggregates, as a function of the client's event log (pure).

The clinic report answers from aggregates per clinic and month that the projector
keeps with ``$inc`` (docs/reports.md, "Clinic aggregates"). An event's increments
are ``delta(contributions(before), contributions(after))`` over the client's log
without and with the event, so counts that move between buckets (a goal entered
in error leaves the month it was set in, a new measurement moves a client from one
span to the next) move by construction, and the sum of every event's delta is the
contribution of the whole log.

A log entry is one of (``at`` an ISO-8601 instant in UTC):

- ``{"type": "goal", "goal", "category", "at", "lifecycle", "achievement"}`` (goal-created),
- ``{"type": "status", "goal", "at", "lifecycle", "achievement"}`` (goal-status-changed),
- ``{"type": "session", "at", "missed", "phq9", "gad7"}`` (session-logged; scores may be None).

Contributions are keyed ``(kind, month, path)``: kind ``month`` counts facts of
that month (goals set and first achieved, sessions, clients seen); kind ``span``
counts a client once per period through the span that starts in a month where the
client was seen (or measured) and ends at the next such month, ``open`` when there
is none. A period ``first..last`` counts the spans that start inside it and end
after ``last``: exactly one per client seen (measured) in the period, the span of
its latest month there, carrying the outcome as of that month's end.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime

from services.reports.domain.goals import counts_as_achieved, counts_as_real
from services.reports.domain.measures import GAD7, PHQ9
from services.reports.domain.months import month_end
from services.reports.domain.outcome import client_outcome, entries_before
from services.reports.domain.series import add_entry, series_entry

MONTH, SPAN = "month", "span"
OPEN = "open"
ALL = "all"
OUTCOME_FLAGS = ("measured", "paired", "improved", "deteriorated", "caseness_first", "recovered")
CATEGORY_FLAGS = ("paired", "improved")


def month_of_instant(at: str) -> str:
    """'YYYY-MM' of an ISO-8601 instant written in UTC."""
    return at[:7]


def contributions(log: Iterable[Mapping]) -> Counter:
    """{(kind, month, path): count} that the client's log adds to its clinic's aggregates."""
    goals, sessions, phq9, gad7 = _fold(log)
    counts: Counter = Counter()
    real = [goal for goal in goals.values() if counts_as_real(goal["lifecycle"])]
    for goal in real:
        _count_goal(counts, "goals_set", goal["category"], goal["at"])
        if goal["achieved_at"] is not None:
            _count_goal(counts, "goals_achieved", goal["category"], goal["achieved_at"])
    for session in sessions:
        counted = "sessions_missed" if session["missed"] else "sessions_attended"
        counts[(MONTH, month_of_instant(session["at"]), counted)] += 1
    seen = sorted({month_of_instant(session["at"]) for session in sessions})
    for month, until in spans(seen):
        counts[(MONTH, month, "clients_seen")] += 1
        counts[(SPAN, month, f"seen.{until}")] += 1
    measured = sorted({month_of_instant(entry["at"]) for entry in phq9 + gad7})
    scopes = [ALL] + sorted({goal["category"] for goal in real})
    for month, until in spans(measured):
        flags = outcome_flags(entries_before(phq9, month_end(month)), entries_before(gad7, month_end(month)))
        for scope in scopes:
            for flag in OUTCOME_FLAGS if scope == ALL else CATEGORY_FLAGS:
                if flags[flag]:
                    counts[(SPAN, month, f"outcomes.{until}.{scope}.{flag}")] += 1
    return counts


def delta(before: Counter, after: Counter) -> dict:
    """{key: after - before} of the keys whose count changed."""
    changed = {key: after.get(key, 0) - before.get(key, 0) for key in set(before) | set(after)}
    return {key: value for key, value in changed.items() if value}


def spans(months: list[str]) -> list[tuple[str, str]]:
    """[(month, next month or OPEN)] of sorted, distinct months."""
    return list(zip(months, [*months[1:], OPEN]))


def outcome_flags(phq9: list[dict], gad7: list[dict]) -> dict[str, bool]:
    """The client's outcome as the clinic counts it (outcome totals of docs/reports.md)."""
    outcome = client_outcome(phq9, gad7)
    paired = bool(outcome["has_paired_scores"])
    return {"measured": True, "paired": paired,
            "improved": paired and bool(outcome["reliable_improvement"]),
            "deteriorated": paired and bool(outcome["reliable_deterioration"]),
            "caseness_first": paired and outcome["recovery"] is not None,
            "recovered": paired and outcome["recovery"] is True}


def _fold(log: Iterable[Mapping]) -> tuple[dict, list, list, list]:
    """The client's goals (with when first achieved), sessions and PHQ-9/GAD-7 series after the log."""
    goals: dict[str, dict] = {}
    sessions, phq9, gad7 = [], [], []
    for entry in log:
        if entry["type"] == "goal":
            goals[entry["goal"]] = {**entry, "achieved_at": None}
            _achieve(goals[entry["goal"]], entry)
        elif entry["type"] == "status" and entry["goal"] in goals:  # a change of an unknown goal is a stub
            goal = goals[entry["goal"]]
            goal.update(lifecycle=entry["lifecycle"], achievement=entry["achievement"])
            _achieve(goal, entry)
        elif entry["type"] == "session":
            sessions.append(entry)
            phq9 = _measure(phq9, PHQ9, entry)
            gad7 = _measure(gad7, GAD7, entry)
    return goals, sessions, phq9, gad7


def _achieve(goal: dict, entry: Mapping) -> None:
    """Keep the first time the goal counted as achieved."""
    if counts_as_achieved(entry["lifecycle"], entry["achievement"]):
        first = goal["achieved_at"]
        if first is None or datetime.fromisoformat(entry["at"]) < datetime.fromisoformat(first):
            goal["achieved_at"] = entry["at"]


def _measure(series: list[dict], measure: str, session: Mapping) -> list[dict]:
    score = session.get(measure)
    return series if score is None else add_entry(series, series_entry(measure, session["at"], score))


def _count_goal(counts: Counter, name: str, category: str, at: str) -> None:
    month = month_of_instant(at)
    counts[(MONTH, month, name)] += 1
    counts[(MONTH, month, f"categories.{category}.{name}")] += 1
