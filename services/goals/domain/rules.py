"""Small checks shared by the decisions: each returns the clean value or raises."""

import math
import re
from datetime import date, datetime, timezone

from .errors import (
    BlankText,
    DateInThePast,
    InvalidChoice,
    InvalidDates,
    InvalidIdentifier,
    NotANumber,
    TextTooLong,
    TimezoneRequired,
)

# Fits UUIDs and readable ids alike; no spaces, no slashes (ids go in paths).
_IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")


def is_id(value) -> bool:
    return isinstance(value, str) and _IDENTIFIER.fullmatch(value) is not None


def valid_id(value, field: str) -> str:
    if not is_id(value):
        raise InvalidIdentifier(field, "1-64 letters, digits, '.', '_', ':' or '-'")
    return value


def valid_text(value, field: str, max_length: int, *, may_be_blank=False) -> str:
    """The text without surrounding whitespace."""
    text = value.strip() if isinstance(value, str) else ""
    if not text and not may_be_blank:
        raise BlankText(field, "a non-blank text")
    if len(text) > max_length:
        raise TextTooLong(field, f"at most {max_length} characters")
    return text


def valid_choice(value, allowed: tuple[str, ...], field: str) -> str:
    if value not in allowed:
        raise InvalidChoice(field, "one of " + ", ".join(allowed))
    return value


def integer_between(value, low: int, high: int, field: str, error) -> int:
    if not _is_integer(value) or not low <= value <= high:
        raise error(field, f"an integer from {low} to {high}")
    return value


def valid_number(value, field: str) -> float:
    if not _is_number(value):
        raise NotANumber(field, "a finite number")
    return value


def not_in_past(day, today: date, field: str) -> date:
    if not isinstance(day, date) or isinstance(day, datetime):
        raise InvalidDates(field, "a calendar date")
    if day < today:
        raise DateInThePast(field, "today or later")
    return day


def as_utc(moment, field: str) -> datetime:
    if not isinstance(moment, datetime):
        raise InvalidDates(field, "a date and time")
    if moment.utcoffset() is None:
        raise TimezoneRequired(field, "a date and time with a time zone")
    return moment.astimezone(timezone.utc)


def _is_integer(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
    return numeric and math.isfinite(value)
