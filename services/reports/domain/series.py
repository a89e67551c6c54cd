"""PHQ-9 / GAD-7 series as stored in the reports projection.

A series is a list of entries ``{"at": iso-8601 str, "score": int, "band": str}``
kept in time order, one per session where the measure was taken (the
``measures`` of ``session-logged`` v1, docs/architecture.md). The projection
stores the array; ``summarise_series`` derives first / latest / change from it
on read or on write, so the summary is never a second source of truth.

Bands come from ``measures.band`` (PHQ-9 and GAD-7 scoring guides, see
measures.py). "First" and "latest" are the NHS Talking Therapies first and
last measurements that change.py compares (NHS Talking Therapies Manual).

Pure functions, standard library only; inputs are never mutated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from functools import reduce

from .measures import band


def _parse_at(at: datetime | str) -> datetime:
    """Parse an ISO-8601 instant; it must carry a UTC offset.

    Sessions carry ``occurred_at`` as an instant (docs/architecture.md); a naive
    time could not be ordered against the others, so it is rejected.
    """
    if isinstance(at, datetime):
        moment = at
    elif isinstance(at, str):
        try:
            moment = datetime.fromisoformat(at)
        except ValueError:
            raise ValueError(f"series 'at' must be an ISO-8601 date-time, got {at!r}") from None
    else:
        raise ValueError(f"series 'at' must be a datetime or ISO-8601 string, got {at!r}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"series 'at' must include a UTC offset, got {at!r}")
    return moment


def _iso(moment: datetime) -> str:
    """ISO-8601 in UTC with a 'Z' suffix, so stored strings sort as time."""
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def series_entry(measure: str, at: datetime | str, score: int) -> dict:
    """Build one series entry ``{"at", "score", "band"}`` for ``measure``.

    ``measure`` is 'phq9' or 'gad7'. ``at`` is normalised to UTC ('Z').
    Raises ValueError for an unknown measure, an out-of-range score or a
    time without offset.
    """
    return {"at": _iso(_parse_at(at)), "score": score, "band": band(measure, score)}


def add_entry(series: Iterable[Mapping], entry: Mapping) -> list[dict]:
    """Return a new series with ``entry`` in time order.

    An entry at the same instant as an existing one replaces it, so a
    redelivered or corrected ``session-logged`` event does not add a point
    twice (Kafka delivers at least once). Entries at different instants keep
    time order whatever order the events arrive in.
    """
    moment = _parse_at(entry["at"])
    kept = [dict(e) for e in series if _parse_at(e["at"]) != moment]
    kept.append(dict(entry))
    return sorted(kept, key=lambda e: _parse_at(e["at"]))


def summarise_series(series: Iterable[Mapping]) -> dict:
    """Summarise a stored series: ``{"count", "first", "latest", "change"}``.

    ``first`` / ``latest`` are the earliest and latest entries by ``at``
    (copies; the stored order is not trusted), ``change`` is
    ``latest.score - first.score`` (negative = fewer symptoms; 0 with a single
    entry). An empty series gives count 0 and None for the rest.
    """
    entries = sorted((dict(e) for e in series), key=lambda e: _parse_at(e["at"]))
    if not entries:
        return {"count": 0, "first": None, "latest": None, "change": None}
    first, latest = entries[0], entries[-1]
    return {
        "count": len(entries),
        "first": first,
        "latest": latest,
        "change": latest["score"] - first["score"],
    }


def clean_series(stored: Sequence[Mapping]) -> list[dict]:
    """The stored entries in time order, one per instant (add_entry)."""
    return reduce(add_entry, stored, [])


def measure_view(stored: Sequence[Mapping]) -> dict:
    """{series, count, first, latest, change, band, first_at, latest_at} of a measure; `at` as datetimes."""
    series = clean_series(stored)
    summary = summarise_series(series)
    latest = summary["latest"]
    return {
        "series": [_point(entry) for entry in series],
        "count": summary["count"],
        "first": summary["first"]["score"] if series else None,
        "latest": latest["score"] if latest else None,
        "change": summary["change"],
        "band": latest["band"] if latest else None,
        "first_at": _point(summary["first"])["at"] if series else None,
        "latest_at": _point(latest)["at"] if latest else None,
    }


def _point(entry: Mapping) -> dict:
    point = {"at": datetime.fromisoformat(entry["at"]), "score": entry["score"], "band": entry["band"]}
    if "item9" in entry:
        point["item9"] = entry["item9"]
    return point
