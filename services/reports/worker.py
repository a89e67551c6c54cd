"""The reports consumer process: `python -m services.reports.worker` (metrics on METRICS_PORT, default 9104)."""
from __future__ import annotations

from shared.runtime.config import Settings
from shared.runtime.worker import run_projection
from services.reports.projection import reports_projection

METRICS_PORT = 9104


def main(settings: Settings | None = None) -> None:
    run_projection(reports_projection(), settings or Settings(service="reports"), metrics_port=METRICS_PORT)


if __name__ == "__main__":
    main()
