"""Every index of the reminders database and the queries it serves (shared.store.indexes), in one place.

The API, the dispatcher and the projection (its own collections) create them at start-up.
A store module that adds a query declares its shape (and, if no index serves it, the
index) in its own ``INDEXES``; a new store module adds its ``INDEXES`` here.
"""
from __future__ import annotations

from services.reminders.store import claims, outbox, planning, plans, reminders
from services.reminders.store.documents import FACT_COLLECTIONS
from shared.store import indexes
from shared.store.indexes import Query

# the facts compared with a full replay (services.reports.rebuild's verify; the fault suite runs it: tools/chaos)
VERIFY = indexes.declare(queries=[
    Query.of(name, scan="verify compares every document with a full replay") for name in FACT_COLLECTIONS])

DECLARED = reminders.INDEXES + plans.INDEXES + planning.INDEXES + claims.INDEXES + outbox.INDEXES + VERIFY
