"""The reports consumer process: `python -m services.reports.worker` (metrics port: shared.runtime.config)."""
from __future__ import annotations

from shared.runtime.config import Settings
from shared.runtime.worker import run_projection
from services.reports.projection import reports_projection


def main(settings: Settings | None = None) -> None:
    run_projection(reports_projection(), settings or Settings(service="reports"), "reports-consumer")


if __name__ == "__main__":
    main()
