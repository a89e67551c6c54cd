"""Rebuild the goals service's listing read model from the event store.

    python -m services.goals.reindex

The read model (`goal_index`, `session_index`) is derived data: every document is
the fold of one stream. Rebuilding writes each stream's current state with the
same version guard as the API, so it may run while the API takes writes. It
fills in what a crash between an append and its index write left out; to change
the documents' shape, drop `goal_index` and `session_index` first.
"""
from __future__ import annotations

import logging

from services.goals.adapters.read_model import ReadModel
from services.goals.adapters.stream_cache import CachedStreams
from services.goals.adapters.streams import Streams
from services.goals.service import Actor, GoalsService
from services.goals.indexes import DECLARED
from shared.contract.types import GOAL_CREATED, SESSION_LOGGED
from shared.store import indexes, mongo
from shared.runtime import jsonlog
from shared.runtime.config import Settings
from shared.store.eventstore import EventStore

log = logging.getLogger(__name__)


def rebuild(db) -> int:
    """Write every stream's current state into the read model; return how many streams."""
    store, read_model = EventStore(db), ReadModel(db)
    indexes.ensure(db, DECLARED)
    service = GoalsService(CachedStreams(Streams(store), capacity=0), read_model)
    count = 0
    for first in store.first_commits():
        actor, stream_id = Actor(first["clinic_id"], "reindex"), first["stream_id"]
        if first["events"][0]["type"] == GOAL_CREATED:
            read_model.goal_changed(actor.clinic_id, None, service.goal(actor, stream_id))
        elif first["events"][0]["type"] == SESSION_LOGGED:
            read_model.record_session(actor.clinic_id, service.session(actor, stream_id))
        count += 1
    return count


def main(settings: Settings | None = None) -> None:
    settings = settings or Settings(service="goals")
    jsonlog.configure(settings.log_level)
    log.info("read model rebuilt", extra={"streams": rebuild(mongo.database(settings))})


if __name__ == "__main__":
    main()
