"""Calendar months 'YYYY-MM' (UTC) for the per-month reports.

Decision: months are UTC calendar months. A clinic's local midnight may fall in
the previous UTC day, so a session at 00:30 local time on the 1st can count in
the previous month; per-clinic time zones are left for when clinics record one.

Pure functions, standard library only.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone

MONTH_PATTERN = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def parse_month(value: str) -> tuple[int, int]:
    """(year, month) of 'YYYY-MM'; ValueError otherwise."""
    match = MONTH_PATTERN.match(value) if isinstance(value, str) else None
    if not match:
        raise ValueError(f"expected a month as YYYY-MM, got {value!r}")
    return int(match.group(1)), int(match.group(2))


def month_index(value: str) -> int:
    year, month = parse_month(value)
    return year * 12 + month - 1


def month_name(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_range(first: str, last: str) -> list[str]:
    """Every month from `first` to `last`, both included (empty when last < first)."""
    return [month_name(i) for i in range(month_index(first), month_index(last) + 1)]


def month_start(value: str) -> datetime:
    """The first instant of the month, in UTC."""
    year, month = parse_month(value)
    return datetime(year, month, 1, tzinfo=timezone.utc)


def month_end(value: str) -> datetime:
    """The first instant after the month, in UTC."""
    return month_start(month_name(month_index(value) + 1))
