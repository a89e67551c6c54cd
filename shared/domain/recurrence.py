"""Practice RRULEs (RFC 5545): one validation for the goals and reminders services.

Pure: the standard library and python-dateutil only. The goals service calls
:func:`validate_rrule` when a goal is set with ``practice_rrule``; the reminders
service calls :func:`parse_rrule` and :func:`local_occurrences` to expand the rule
in the client's LOCAL wall-clock time.

Only a bare RRULE value is accepted (optionally prefixed "RRULE:"): no
DTSTART/EXDATE lines, no SECONDLY/MINUTELY frequency, INTERVAL >= 1 (dateutil
loops forever on 0), no BYMONTHDAY that no listed month has ("30 February").
A UTC UNTIL ("...Z", as RFC 5545 wants when DTSTART has a TZID) is converted
to the client's local time, because dateutil refuses it with a naive DTSTART.

DTSTART is the start date at the send time; if the rule has BYHOUR it is the
start of that day (so "BYHOUR=8" still fires at 08:00 on the first day;
minutes default to 0), and with BYMINUTE alone it is the send hour :00.

COUNT and UNTIL are kept apart from the rule and applied while iterating
(``local_occurrences``), which always runs with an UNTIL at the window end.
Known limit: dateutil checks UNTIL only on a candidate, so a rule that can
never match in some exotic way (e.g. BYSETPOS beyond the set) still costs
seconds of CPU scanning towards year 9999.
"""

from __future__ import annotations

from datetime import date, datetime, time, timezone, tzinfo
from itertools import islice
from typing import Iterator, NamedTuple, cast

from dateutil.rrule import rrule, rrulestr

FIELD = "practice_rrule"
FORBIDDEN_FREQS = frozenset({"SECONDLY", "MINUTELY"})
DEFAULT_SEND_TIME = time(9, 0)
_FORMATS = {8: "%Y%m%d", 15: "%Y%m%dT%H%M%S"}
_MONTH_DAYS = {1: 31, 2: 29, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}


class InvalidRecurrence(ValueError):
    """The rule cannot be parsed or is not allowed; ``detail`` never repeats the rule."""

    field = FIELD
    code = "invalid-rrule"

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(f"{FIELD}: {detail}")


class Recurrence(NamedTuple):
    """A validated rule: ``core`` is the RRULE without COUNT/UNTIL."""

    dtstart: datetime  # naive local
    core: str
    count: int | None  # type: ignore[assignment]  # shadows tuple.count, which nothing calls
    until: datetime | None  # naive local


def _bound(key: str, value: str, zone: tzinfo) -> int | datetime:
    try:
        if key in ("COUNT", "INTERVAL"):
            return int(value)
        until = datetime.strptime(value.rstrip("Z"), _FORMATS[len(value.rstrip("Z"))])
    except (ValueError, KeyError):
        raise InvalidRecurrence(f"{key} is not valid") from None
    if not value.endswith("Z"):
        return until
    return until.replace(tzinfo=timezone.utc).astimezone(zone).replace(tzinfo=None, fold=0)


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
        raise InvalidRecurrence("BYMONTHDAY names a day no (given) month has")


def _split(text: str, zone: tzinfo) -> tuple[list[str], dict]:
    core, bounds = [], {}
    for part in text.split(";"):
        key, _, value = part.partition("=")
        if key == "FREQ" and value in FORBIDDEN_FREQS:
            raise InvalidRecurrence(f"FREQ={value} is not allowed for practice reminders")
        if key == "INTERVAL" and cast(int, _bound(key, value, zone)) < 1:
            raise InvalidRecurrence("INTERVAL must be at least 1")
        if key in ("COUNT", "UNTIL"):
            bounds[key] = _bound(key, value, zone)
        else:
            core.append(part)
    _reject_impossible_month_days(dict(p.partition("=")[::2] for p in core))
    return core, bounds


def _dtstart(day: date, core: list[str], send_time: time) -> datetime:
    keys = {part.partition("=")[0] for part in core}
    if "BYHOUR" in keys:
        return datetime.combine(day, time(0, 0))
    if "BYMINUTE" in keys:
        return datetime.combine(day, time(send_time.hour, 0))
    return datetime.combine(day, send_time)


def _parse(text: str, dtstart: datetime) -> rrule:
    try:
        rule = rrulestr(text, dtstart=dtstart)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError, AttributeError):
        raise InvalidRecurrence("is not a valid RFC 5545 RRULE") from None
    if not isinstance(rule, rrule):
        raise InvalidRecurrence("must be a single RRULE")
    return rule


def normalise(rrule_text: object) -> str:
    """The rule upper-cased without its "RRULE:" prefix; raises InvalidRecurrence for non-rules."""
    if not isinstance(rrule_text, str) or not rrule_text.strip():
        raise InvalidRecurrence("must be a non-empty RRULE string")
    text = rrule_text.strip().upper().removeprefix("RRULE:")
    if any(ch in text for ch in "\r\n:") or "DTSTART" in text:
        raise InvalidRecurrence("must be a single RRULE value without DTSTART or other properties")
    return text


def parse_rrule(rrule_text: object, start: date, zone: tzinfo = timezone.utc,
                send_time: time = DEFAULT_SEND_TIME) -> Recurrence:
    """Validate the rule and anchor it on the local date ``start``; raises InvalidRecurrence."""
    if not isinstance(start, date) or isinstance(start, datetime):
        raise TypeError("start must be a date")
    text = normalise(rrule_text)
    core, bounds = _split(text, zone)
    if "COUNT" in bounds and "UNTIL" in bounds:
        raise InvalidRecurrence("COUNT and UNTIL must not both be given")
    dtstart = _dtstart(start, core, send_time)
    _parse(";".join(core), dtstart)
    return Recurrence(dtstart, ";".join(core), bounds.get("COUNT"), bounds.get("UNTIL"))


def validate_rrule(rrule_text: object) -> str:
    """The normalised rule if it is an acceptable practice RRULE; else raise InvalidRecurrence.

    The check the goals service runs on ``practice_rrule`` (error field
    ``practice_rrule``, code ``invalid-rrule``); the reminders service accepts
    exactly the rules that pass it.
    """
    parse_rrule(rrule_text, date(2000, 1, 1))
    return normalise(rrule_text)


def local_occurrences(rule: Recurrence, local_hi: datetime) -> Iterator[datetime]:
    """Naive local occurrences from DTSTART up to ``local_hi`` (COUNT/UNTIL honoured)."""
    until = local_hi if rule.until is None else min(rule.until, local_hi)
    bounded = _parse(rule.core, rule.dtstart).replace(until=until)
    return islice(bounded, rule.count) if rule.count is not None else iter(bounded)
