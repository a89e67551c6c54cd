"""The reminders service's consumer process: goal and session events into the facts reminders are planned from."""
from __future__ import annotations

from services.reminders.projection import reminders_projection
from shared.runtime.config import Settings
from shared.runtime.worker import run_projection

METRICS_PORT = 9102


def main() -> None:
    run_projection(reminders_projection(), Settings(service="reminders"), METRICS_PORT)


if __name__ == "__main__":
    main()
