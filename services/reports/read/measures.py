"""PHQ-9 / GAD-7 series as reported: ordered, de-duplicated, summarised, with the latest band."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import reduce

from services.reports.domain.measures import band
from services.reports.domain.series import add_entry, summarise_series


def clean_series(stored: Sequence[Mapping]) -> list[dict]:
    """The stored entries in time order, one per instant (series.add_entry)."""
    return reduce(add_entry, stored, [])


def measure_view(stored: Sequence[Mapping]) -> dict:
    """{series, count, first, latest, change, band} of one measure; `at` as datetimes."""
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


def band_ranges(measure: str, maximum: int) -> list[dict]:
    """[{band, low, high}] of a measure, read off measures.band (so the chart never disagrees with it)."""
    ranges: list[dict] = []
    for score in range(maximum + 1):
        name = band(measure, score)
        if ranges and ranges[-1]["band"] == name:
            ranges[-1]["high"] = score
        else:
            ranges.append({"band": name, "low": score, "high": score})
    return ranges
