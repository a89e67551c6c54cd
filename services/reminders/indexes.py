"""Every index of the reminders database and the queries it serves (shared.store.indexes), in one place.

The API, the dispatcher and the projection (its own collections) create them at start-up.
A store module that adds a query declares its shape (and, if no index serves it, the
index) in its own ``INDEXES``; a new store module adds its ``INDEXES`` here.
"""
from __future__ import annotations

from services.reminders.store import claims, outbox, planning, plans, reminders

DECLARED = reminders.INDEXES + plans.INDEXES + planning.INDEXES + claims.INDEXES + outbox.INDEXES
