"""Local wall-clock <-> UTC conversion that is correct across DST, and quiet hours.

People think in wall-clock time ("9:00", "quiet from 22:00"), the dispatcher
thinks in UTC instants. Two wall-clock times need a decision:

* nonexistent (spring-forward gap, e.g. 01:30 in London on the last Sunday
  of March): moved FORWARD to the first valid instant, the end of the gap
  (02:00 BST), never backward, so a reminder is never sent early;
* ambiguous (fall-back fold, e.g. 01:30 in London on the last Sunday of
  October happens twice): the FIRST occurrence (fold=0).

Quiet hours are the local window [start, end); it crosses midnight when
start > end. A reminder due inside it is held until the window's end.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import NamedTuple
from zoneinfo import ZoneInfo

from .preferences import Preferences

UTC = timezone.utc


class QuietPeriod(NamedTuple):
    """One concrete quiet period as UTC instants: [start, end)."""

    start: datetime
    end: datetime


def utc_to_local(instant: datetime, zone: ZoneInfo) -> datetime:
    """Naive local wall-clock time of an aware instant (a naive one is refused)."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("utc_to_local expects an aware datetime")  # else: the host's zone
    # Via UTC: astimezone() into the instant's own tzinfo is a no-op, which
    # would hide a nonexistent wall time instead of normalising it.
    return instant.astimezone(UTC).astimezone(zone).replace(tzinfo=None, fold=0)


def is_nonexistent(local: datetime, zone: ZoneInfo) -> bool:
    """True when the naive wall-clock time falls in a spring-forward gap."""
    naive = local.replace(tzinfo=None, fold=0)
    return utc_to_local(naive.replace(tzinfo=zone), zone) != naive


def _gap_end(naive: datetime, zone: ZoneInfo) -> datetime:
    """First UTC instant after the gap containing ``naive`` (the transition)."""
    naive = naive.replace(microsecond=0)  # transitions fall on whole seconds
    a = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    b = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    low, high = min(a, b), max(a, b)
    after = high.astimezone(zone).utcoffset()
    while high - low > timedelta(seconds=1):
        mid = (low + (high - low) / 2).replace(microsecond=0)
        if mid.astimezone(zone).utcoffset() == after:
            high = mid
        else:
            low = mid
    return high


def local_to_utc(local: datetime, zone: ZoneInfo, fold: int = 0) -> datetime:
    """UTC instant of a naive wall-clock time (gap: forward; fold: ``fold``, default first)."""
    if local.tzinfo is not None:
        raise ValueError("local_to_utc expects a naive wall-clock datetime")
    naive = local.replace(fold=0)
    if is_nonexistent(naive, zone):
        return _gap_end(naive, zone)
    return naive.replace(tzinfo=zone, fold=fold).astimezone(UTC)


def local_date_at(day: date, at: time, zone: ZoneInfo) -> datetime:
    """UTC instant of ``at`` o'clock local time on ``day``."""
    return local_to_utc(datetime.combine(day, at), zone)


def in_quiet_hours(wall: time, prefs: Preferences) -> bool:
    """True when a local wall-clock time lies in [quiet_start, quiet_end)."""
    start, end = prefs.quiet_start, prefs.quiet_end
    if start is None or end is None:
        return False
    if start < end:
        return start <= wall < end
    return wall >= start or wall < end


def quiet_period(due_utc: datetime, prefs: Preferences) -> QuietPeriod | None:
    """The quiet period containing ``due_utc``, or None if it is not quiet."""
    zone = prefs.zone
    local = utc_to_local(due_utc, zone)
    if not in_quiet_hours(local.time(), prefs):
        return None
    start, end = prefs.quiet_start, prefs.quiet_end
    crosses = start > end
    start_day = local.date() - timedelta(days=1) if crosses and local.time() < end else local.date()
    end_day = start_day + timedelta(days=1) if crosses else start_day
    start_utc = local_date_at(start_day, start, zone)
    end_local = datetime.combine(end_day, end)
    end_utc = local_to_utc(end_local, zone)
    if end_utc <= due_utc:  # due in the repeated hour of a fold: the end is the 2nd occurrence
        end_utc = max(local_to_utc(end_local, zone, fold=1), due_utc)
    return QuietPeriod(min(start_utc, due_utc), end_utc)


def hold_for_quiet_hours(due_utc: datetime, prefs: Preferences) -> datetime:
    """``due_utc`` moved to the end of its quiet period (UTC), else unchanged."""
    period = quiet_period(due_utc, prefs)
    return due_utc if period is None else period.end
