"""Parsing and validating a goal's practice RRULE (RFC 5545) for local expansion.

Only a bare RRULE value is accepted (optionally prefixed "RRULE:"): no
DTSTART/EXDATE lines, no SECONDLY/MINUTELY frequency, INTERVAL >= 1 (dateutil
loops forever on 0), no BYMONTHDAY that no listed month has ("30 February").
A UTC UNTIL ("...Z", as RFC 5545 wants when DTSTART has a TZID) is converted
to the client's local time, because dateutil refuses it with a naive DTSTART.

DTSTART is the start date at ``local_send_time``; if the rule has BYHOUR it
is the start of that day (so "BYHOUR=8" still fires at 08:00 on the first
day; minutes default to 0), and with BYMINUTE alone it is the send hour :00.

COUNT and UNTIL are kept apart from the rule and applied while iterating
(``local_occurrences``), which always runs with an UNTIL at the window end.
Known limit: dateutil checks UNTIL only on a candidate, so a rule that can
never match in some exotic way (e.g. BYSETPOS beyond the set) still costs
seconds of CPU scanning towards year 9999.
"""

from __future__ import annotations

from datetime import date, datetime, time
from itertools import islice
from typing import Iterator, NamedTuple

from dateutil.rrule import rrule, rrulestr

from .errors import InvalidFact, InvalidRRule
from .localtime import UTC, utc_to_local
from .preferences import Preferences

FORBIDDEN_FREQS = frozenset({"SECONDLY", "MINUTELY"})
_FORMATS = {8: "%Y%m%d", 15: "%Y%m%dT%H%M%S"}
_MONTH_DAYS = {1: 31, 2: 29, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}


class PracticeRule(NamedTuple):
    """A validated rule: ``core`` is the RRULE without COUNT/UNTIL."""

    dtstart: datetime  # naive local
    core: str
    count: int | None
    until: datetime | None  # naive local


def _bound(key: str, value: str, prefs: Preferences) -> int | datetime:
    try:
        if key in ("COUNT", "INTERVAL"):
            return int(value)
        until = datetime.strptime(value.rstrip("Z"), _FORMATS[len(value.rstrip("Z"))])
    except (ValueError, KeyError):
        raise InvalidRRule(f"{key} is not valid") from None
    return utc_to_local(until.replace(tzinfo=UTC), prefs.zone) if value.endswith("Z") else until


def _reject_impossible_month_days(parts: dict[str, str]) -> None:
    """"30 February" never happens; dateutil would scan to year 9999 looking for it."""
    if "BYMONTHDAY" not in parts:
        return
    try:
        days = [abs(int(v)) for v in parts["BYMONTHDAY"].split(",")]
        months = [int(v) for v in parts["BYMONTH"].split(",")] if "BYMONTH" in parts else [1]
        longest = max(_MONTH_DAYS[m] for m in months)
    except (ValueError, KeyError):
        return  # malformed values: dateutil reports them
    if min(days) > longest:
        raise InvalidRRule("BYMONTHDAY names a day no (given) month has")


def _split(text: str, prefs: Preferences) -> tuple[list[str], dict]:
    core, bounds = [], {}
    for part in text.split(";"):
        key, _, value = part.partition("=")
        if key == "FREQ" and value in FORBIDDEN_FREQS:
            raise InvalidRRule(f"FREQ={value} is not allowed for practice reminders")
        if key == "INTERVAL" and _bound(key, value, prefs) < 1:
            raise InvalidRRule("INTERVAL must be at least 1")
        if key in ("COUNT", "UNTIL"):
            bounds[key] = _bound(key, value, prefs)
        else:
            core.append(part)
    _reject_impossible_month_days(dict(p.partition("=")[::2] for p in core))
    return core, bounds


def _dtstart(day: date, core: list[str], prefs: Preferences) -> datetime:
    keys = {part.partition("=")[0] for part in core}
    if "BYHOUR" in keys:
        return datetime.combine(day, time(0, 0))
    if "BYMINUTE" in keys:
        return datetime.combine(day, time(prefs.local_send_time.hour, 0))
    return datetime.combine(day, prefs.local_send_time)


def _parse(text: str, dtstart: datetime) -> rrule:
    try:
        rule = rrulestr(text, dtstart=dtstart)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError, AttributeError):
        raise InvalidRRule("is not a valid RFC 5545 RRULE") from None
    if not isinstance(rule, rrule):
        raise InvalidRRule("must be a single RRULE")
    return rule


def parse_practice_rrule(rrule_text: object, dtstart_local_date: date,
                         prefs: Preferences) -> PracticeRule:
    """Validate ``rrule_text`` and anchor it on ``dtstart_local_date``; raises InvalidRRule."""
    if not isinstance(dtstart_local_date, date) or isinstance(dtstart_local_date, datetime):
        raise InvalidFact("dtstart_local_date", "must be a date")
    if not isinstance(rrule_text, str) or not rrule_text.strip():
        raise InvalidRRule("must be a non-empty RRULE string")
    text = rrule_text.strip().upper().removeprefix("RRULE:")
    if any(ch in text for ch in "\r\n:") or "DTSTART" in text:
        raise InvalidRRule("must be a single RRULE value without DTSTART or other properties")
    core, bounds = _split(text, prefs)
    if "COUNT" in bounds and "UNTIL" in bounds:
        raise InvalidRRule("COUNT and UNTIL must not both be given")
    dtstart = _dtstart(dtstart_local_date, core, prefs)
    _parse(";".join(core), dtstart)
    return PracticeRule(dtstart, ";".join(core), bounds.get("COUNT"), bounds.get("UNTIL"))


def validate_practice_rrule(rrule_text: object, prefs: Preferences | None = None) -> None:
    """Raise InvalidRRule unless ``rrule_text`` is acceptable (for API input checks)."""
    parse_practice_rrule(rrule_text, date(2000, 1, 1), prefs or Preferences())


def local_occurrences(rule: PracticeRule, local_hi: datetime) -> Iterator[datetime]:
    """Naive local occurrences from DTSTART up to ``local_hi`` (COUNT/UNTIL honoured)."""
    until = local_hi if rule.until is None else min(rule.until, local_hi)
    bounded = _parse(rule.core, rule.dtstart).replace(until=until)
    return islice(bounded, rule.count) if rule.count is not None else iter(bounded)
