"""Date and time fields of the API: ISO 8601, within years that make sense for therapy records.

They dump domain values (``date``/``datetime``) and read-model values (already
ISO strings) alike, so one response schema serves both.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from marshmallow import ValidationError, fields

from services.goals.domain.errors import InTheFuture
from shared.domain.time import utc_now

EARLIEST_YEAR, LATEST_YEAR = 1900, 2199
SENSIBLE_YEAR = r"^(19\d\d|2[01]\d\d)-"  # the years above, as the OpenAPI documents state them
CLOCK_SKEW = timedelta(minutes=5)


def reached_not_in_the_future(moment: datetime) -> None:
    if moment > utc_now() + CLOCK_SKEW:
        raise InTheFuture("reached_at", "a time not in the future")


def _sensible_year(value) -> None:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationError(f"Must be in the years {EARLIEST_YEAR} to {LATEST_YEAR}.")


def _documented(kwargs: dict) -> dict:
    return {**kwargs, "metadata": {"pattern": SENSIBLE_YEAR, **kwargs.get("metadata", {})}}


class Date(fields.Date):
    """A calendar date, e.g. 2025-06-30."""

    def __init__(self, **kwargs):
        super().__init__(validate=_sensible_year, **_documented(kwargs))

    def _serialize(self, value, attr, obj, **kwargs):
        return value if isinstance(value, str) else super()._serialize(value, attr, obj, **kwargs)


class DateTime(fields.AwareDateTime):
    """A date and time with its UTC offset, e.g. 2025-06-30T14:00:00+01:00."""

    def __init__(self, validate=(), **kwargs):
        checks = [_sensible_year, *([validate] if callable(validate) else validate)]
        super().__init__(format="iso", validate=checks, **_documented(kwargs))

    def _serialize(self, value, attr, obj, **kwargs):
        return value if isinstance(value, str) else super()._serialize(value, attr, obj, **kwargs)
