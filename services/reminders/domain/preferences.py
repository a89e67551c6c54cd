"""A client's reminder preferences, validated once at construction.

Rules trust a Preferences instance completely, so every check lives here:
an IANA zone that loads, quiet hours given as a pair of naive wall-clock
times that differ, positive unique session offsets, sane day counts. Errors
name the field (``InvalidPreferences.field``) for a precise API answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import InvalidPreferences

MAX_DAYS = 365


def _load_zone(key: object) -> ZoneInfo:
    if not isinstance(key, str) or not key.strip() or key in {"localtime", "posixrules"}:
        raise InvalidPreferences("timezone", "an IANA time zone name")
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise InvalidPreferences("timezone", "a known IANA time zone") from None


def _check_wall_time(value: object, field: str) -> None:
    if not isinstance(value, time) or value.tzinfo is not None:
        raise InvalidPreferences(field, "a naive datetime.time (local wall clock)")


def _check_days(value: object, field: str, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidPreferences(field, "a whole number of days")
    if not minimum <= value <= MAX_DAYS:
        raise InvalidPreferences(field, f"between {minimum} and {MAX_DAYS}")


def _check_offsets(offsets: tuple) -> None:
    for offset in offsets:
        if not isinstance(offset, timedelta) or offset <= timedelta(0):
            raise InvalidPreferences("session_offsets", "positive timedeltas")
        if offset > timedelta(days=MAX_DAYS):
            raise InvalidPreferences("session_offsets", f"offsets of at most {MAX_DAYS} days")
    if len(set(offsets)) != len(offsets):
        raise InvalidPreferences("session_offsets", "unique offsets")


@dataclass(frozen=True)
class Preferences:
    """Reminder settings of one client; invalid values raise InvalidPreferences.

    ``quiet_start``/``quiet_end`` are both None (no quiet hours) or both set;
    the window is [start, end) in local time and crosses midnight when
    start > end. ``session_offsets`` are elapsed durations before a session;
    an empty tuple means "no session reminders".
    """

    timezone: str = "UTC"
    quiet_start: time | None = time(22, 0)
    quiet_end: time | None = time(7, 0)
    session_offsets: tuple[timedelta, ...] = (timedelta(hours=24), timedelta(hours=1))
    milestone_due_soon_days: int = 2
    follow_up_days: int = 14
    local_send_time: time = time(9, 0)

    def __post_init__(self) -> None:
        _load_zone(self.timezone)
        if (self.quiet_start is None) != (self.quiet_end is None):
            missing = "quiet_start" if self.quiet_start is None else "quiet_end"
            raise InvalidPreferences(missing, "both a start and an end of quiet hours")
        if self.quiet_start is not None:
            _check_wall_time(self.quiet_start, "quiet_start")
            _check_wall_time(self.quiet_end, "quiet_end")
            if self.quiet_start == self.quiet_end:
                raise InvalidPreferences("quiet_end", "a time other than quiet_start")
        if isinstance(self.session_offsets, (str, bytes)):
            raise InvalidPreferences("session_offsets", "a sequence of timedeltas")
        try:
            offsets = tuple(self.session_offsets)
        except TypeError:
            raise InvalidPreferences("session_offsets", "a sequence of timedeltas") from None
        _check_offsets(offsets)
        object.__setattr__(self, "session_offsets", offsets)
        _check_days(self.milestone_due_soon_days, "milestone_due_soon_days", 0)
        _check_days(self.follow_up_days, "follow_up_days", 1)
        _check_wall_time(self.local_send_time, "local_send_time")

    @property
    def zone(self) -> ZoneInfo:
        """The client's zone as a ZoneInfo (instances are cached by zoneinfo)."""
        return ZoneInfo(self.timezone)

    @property
    def has_quiet_hours(self) -> bool:
        return self.quiet_start is not None
