"""Rebuild the goals service's listing read model from the event store.

    python -m services.goals.rebuild

The read model (`goal_index`, `session_index`) is derived data: every document is
the fold of one stream. Rebuilding writes each stream's current state with the
same version guard as the API, so it may run while the API takes writes. What a
crash between an append and its index write left out, the API's listings write
themselves (services/goals/service.py); the rebuild is for changing the
documents' shape: drop `goal_index` and `session_index` first.
"""
from __future__ import annotations

import argparse
import sys
import logging

from services.goals.indexes import DECLARED
from services.goals.service import GoalsService
from services.goals.settings import GoalsSettings
from services.goals.store.read_model import ReadModel
from services.goals.store.stream_cache import CachedStreams
from services.goals.store.streams import Streams
from shared.runtime import jsonlog
from shared.store import indexes, mongo
from shared.store.eventstore import EventStore

log = logging.getLogger(__name__)


def rebuild(db) -> int:
    """Write every stream's current state into the read model; return how many streams."""
    store = EventStore(db)
    indexes.ensure(db, DECLARED)
    service = GoalsService(CachedStreams(Streams(store), capacity=0), ReadModel(db))
    count = 0
    for commit in store.first_commits():
        service.relist(commit["clinic_id"], commit["stream_id"])
        count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(prog="python -m services.goals.rebuild", description=__doc__.splitlines()[0]
                            ).parse_args(argv)
    settings = GoalsSettings()
    jsonlog.configure(settings.log_level)
    log.info("read model rebuilt", extra={"streams": rebuild(mongo.database(settings))})
    return 0


if __name__ == "__main__":
    sys.exit(main())
