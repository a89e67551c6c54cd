"""Rebuild the reminders projection's facts from the start of the goals topic, then swap them in.

    python -m services.reminders.rebuild     # stop the consumer first; exit code 2 while it runs

Only the facts (goal_facts, client_facts) and planning requests are rebuilt
(shared.messaging.replay); every rebuilt subject is planned again, against the
reminders collection, which a rebuild never drops: delivered reminders keep
their outcome, and nothing that fell due in the past becomes deliverable again.
"""
from __future__ import annotations

import argparse
import sys

from services.reminders.projection import reminders_projection
from services.reminders.settings import RemindersSettings
from shared.messaging import replay


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(prog="python -m services.reminders.rebuild", description=__doc__,
                            formatter_class=argparse.RawDescriptionHelpFormatter).parse_args(argv)
    return replay.main(reminders_projection(), RemindersSettings())


if __name__ == "__main__":
    sys.exit(main())
