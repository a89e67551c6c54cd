"""Rebuild the reminders projection's facts from the start of the goals topic, then swap them in.

    python -m services.reminders.rebuild

Only the facts (goal_facts, client_facts) are rebuilt; every rebuilt document
is dirty, so the planner re-plans each goal and client against the reminders
collection, which a rebuild never drops: delivered reminders keep their
outcome, and nothing that fell due in the past becomes deliverable again.
"""
from __future__ import annotations

from services.reminders.projection import reminders_projection
from shared.runtime import jsonlog
from shared.store import mongo
from shared.runtime.config import Settings
from shared.messaging.replay import rebuild


def main() -> None:
    settings = Settings(service="reminders")
    jsonlog.configure(settings.log_level)
    read = rebuild(reminders_projection(), settings, mongo.database(settings))
    print(f"rebuilt {', '.join(reminders_projection().collections)} from {read} records")


if __name__ == "__main__":
    main()
