"""Every index of the reports database and the queries it serves (shared.store.indexes), in one place.

The projection creates them at start-up (and on a rebuild's fresh collections). A
module that adds a query declares its shape (and, if no index serves it, the index)
in its own ``INDEXES``; a new module adds its ``INDEXES`` here. Goal and client
reports and the clinic report (its month aggregates) read documents by ``_id``.
"""
from __future__ import annotations

from services.reports.store import reads
from services.reports.store.documents import COLLECTIONS
from shared.store import indexes
from shared.store.indexes import Query

VERIFY = indexes.declare(queries=[  # `rebuild --verify` (rebuild.py; it imports the projection, which imports this)
    Query.of(name, scan="verify compares every document with a full replay") for name in COLLECTIONS])

DECLARED = reads.INDEXES + VERIFY
