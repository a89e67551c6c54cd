"""Rebuild the report projections from the start of the event topics: `python -m services.reports.rebuild`.

Stop the reports worker first (shared.messaging.replay refuses while its consumer group
has members: a consumer writing beside the swap would apply a goal's newer events
before the rebuild's catch-up applies its older ones, which the guard would then
skip; docs/reports.md, "Rebuild and verify"). Replays every event into fresh
collections (the clinic aggregates included), swaps them in, then catches up; the
API keeps serving the old collections meanwhile. Exit code 0 on success, 2 when
the worker is still running.
"""
from __future__ import annotations

import sys

from shared.messaging import replay
from shared.runtime.config import Settings
from services.reports.projection import reports_projection


def main(settings: Settings | None = None) -> int:
    return replay.main(reports_projection(), settings or Settings(service="reports"))


if __name__ == "__main__":
    sys.exit(main())
