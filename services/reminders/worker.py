"""The reminders service's consumer process: goal and session events into the facts reminders are planned from."""
from __future__ import annotations

from services.reminders.projection import reminders_projection
from shared.runtime.config import Settings
from shared.runtime.worker import run_projection



def main() -> None:
    run_projection(reminders_projection(), Settings(service="reminders"), "reminders-consumer")


if __name__ == "__main__":
    main()
