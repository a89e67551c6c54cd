"""The reports consumer process: `python -m services.reports.worker` (metrics port: shared.runtime.config)."""
from __future__ import annotations

from services.reports.projection import reports_projection
from services.reports.settings import ReportsSettings
from shared.runtime.worker import run_projection


def main(settings: ReportsSettings | None = None) -> None:
    run_projection(reports_projection(), settings or ReportsSettings(), "reports-consumer")


if __name__ == "__main__":
    main()
