"""Helpers of the partners integration tests: the fixed instant every clock of them answers."""
from __future__ import annotations

from datetime import datetime, timezone

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)


def now() -> datetime:
    return NOW
