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
from services.reports.domain.outcome import client_outcome

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
    return _Fold(log).counts()


def event_delta(before: Iterable[Mapping], entry: Mapping) -> dict:
    """The increments the log entry makes after the log `before`: the change of the whole log's contributions.

    The log is folded once. A session (most of a client's events) is counted over the
    months it can change only, so its cost does not grow with the client's months.
    """
    fold = _Fold(before)
    session_month = month_of_instant(entry["at"]) if entry["type"] == "session" else None
    earlier = fold.counts(session_month)
    fold.add(entry)
    return delta(earlier, fold.counts(session_month))


def delta(before: Counter, after: Counter) -> dict:
    """{key: after - before} of the keys whose count changed."""
    changed = {key: after.get(key, 0) - before.get(key, 0) for key in set(before) | set(after)}
    return {key: value for key, value in changed.items() if value}


def spans(months: list[str]) -> list[tuple[str, str]]:
    """[(month, next month or OPEN)] of sorted, distinct months."""
    return list(zip(months, [*months[1:], OPEN]))


def outcome_flags(phq9: list[dict], gad7: list[dict]) -> dict[str, bool]:
    """The client's outcome as the clinic counts it (outcome totals of docs/reports.md); series in time order."""
    outcome = client_outcome(phq9, gad7, in_time_order=True)
    paired = bool(outcome["has_paired_scores"])
    return {"measured": True, "paired": paired,
            "improved": paired and bool(outcome["reliable_improvement"]),
            "deteriorated": paired and bool(outcome["reliable_deterioration"]),
            "caseness_first": paired and outcome["recovery"] is not None,
            "recovered": paired and outcome["recovery"] is True}


class _Fold:
    """The client's goals (with when first achieved), sessions and PHQ-9/GAD-7 series after a log."""

    def __init__(self, log: Iterable[Mapping]):
        self.goals: dict[str, dict] = {}
        self.sessions: list[Mapping] = []
        self.series: dict[str, dict[datetime, dict]] = {PHQ9: {}, GAD7: {}}
        for entry in log:
            self.add(entry)

    def add(self, entry: Mapping) -> None:
        if entry["type"] == "goal":
            self.goals[entry["goal"]] = {**entry, "achieved_at": None}
            _achieve(self.goals[entry["goal"]], entry)
        elif entry["type"] == "status" and entry["goal"] in self.goals:  # a change of an unknown goal is a stub
            goal = self.goals[entry["goal"]] = {**self.goals[entry["goal"]], "lifecycle": entry["lifecycle"],
                                                "achievement": entry["achievement"]}
            _achieve(goal, entry)
        elif entry["type"] == "session":
            self.sessions.append(entry)
            for measure, entries in self.series.items():
                if entry.get(measure) is not None:  # a later entry at the same instant replaces (series.add_entry)
                    entries[datetime.fromisoformat(entry["at"])] = {"at": entry["at"], "score": entry[measure]}

    def counts(self, session_month: str | None = None) -> Counter:
        """The contributions; with `session_month`, only the counts a session logged in that month can change.

        Those are the counts of the months from the earlier of the client's last month
        seen and last month measured before it (whose spans the session may end) on:
        the outcomes of earlier months are as of their month's end, which it is not before.
        """
        phq9, gad7 = ([entries[at] for at in sorted(entries)] for entries in self.series.values())
        seen = sorted({month_of_instant(session["at"]) for session in self.sessions})
        measured = sorted({month_of_instant(entry["at"]) for entry in phq9 + gad7})
        floor = "" if session_month is None else min(
            max([month for month in months if month < session_month], default=session_month)
            for months in (seen, measured))
        counts: Counter = Counter()
        real = [goal for goal in self.goals.values() if counts_as_real(goal["lifecycle"])]
        for goal in real:
            _count_goal(counts, "goals_set", goal["category"], goal["at"])
            if goal["achieved_at"] is not None:
                _count_goal(counts, "goals_achieved", goal["category"], goal["achieved_at"])
        for session in self.sessions:
            counted = "sessions_missed" if session["missed"] else "sessions_attended"
            counts[(MONTH, month_of_instant(session["at"]), counted)] += 1
        for month, until in spans(seen):
            counts[(MONTH, month, "clients_seen")] += 1
            counts[(SPAN, month, f"seen.{until}")] += 1
        scopes = [ALL] + sorted({goal["category"] for goal in real})
        outcome_spans = [(month, until) for month, until in spans(measured) if month >= floor]
        outcomes = _outcomes_by_month([month for month, _ in outcome_spans], phq9, gad7)
        for (month, until), flags in zip(outcome_spans, outcomes):
            for scope in scopes:
                for flag in OUTCOME_FLAGS if scope == ALL else CATEGORY_FLAGS:
                    if flags[flag]:
                        counts[(SPAN, month, f"outcomes.{until}.{scope}.{flag}")] += 1
        return Counter({key: count for key, count in counts.items() if key[1] >= floor}) if floor else counts


def _achieve(goal: dict, entry: Mapping) -> None:
    """Keep the first time the goal counted as achieved."""
    if counts_as_achieved(entry["lifecycle"], entry["achievement"]):
        first = goal["achieved_at"]
        if first is None or datetime.fromisoformat(entry["at"]) < datetime.fromisoformat(first):
            goal["achieved_at"] = entry["at"]


def _outcomes_by_month(months: list[str], phq9: list[dict], gad7: list[dict]) -> list[dict[str, bool]]:
    """The outcome flags as of each month's end (months sorted, series in time order): one walk of each series."""
    taken = {PHQ9: 0, GAD7: 0}
    flags = []
    for month in months:
        end = month_end(month)
        for measure, entries in ((PHQ9, phq9), (GAD7, gad7)):
            while taken[measure] < len(entries) and datetime.fromisoformat(entries[taken[measure]]["at"]) < end:
                taken[measure] += 1
        flags.append(outcome_flags(phq9[:taken[PHQ9]], gad7[:taken[GAD7]]))
    return flags


def _count_goal(counts: Counter, name: str, category: str, at: str) -> None:
    month = month_of_instant(at)
    counts[(MONTH, month, name)] += 1
    counts[(MONTH, month, f"categories.{category}.{name}")] += 1
