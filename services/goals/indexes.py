"""Every index of the goals database and the queries it serves (shared.store.indexes), in one place.

The API and the relay create them at start-up (`indexes.ensure(db, DECLARED)`). A store
module that adds a query declares its shape (and, if no index serves it, the index) in
its own ``INDEXES``; a new store module adds its ``INDEXES`` here.
"""
from __future__ import annotations

from services.goals.store import read_model
from shared.store import eventstore
DECLARED = eventstore.INDEXES + read_model.INDEXES
