"""The reports projection's collections, document ids and map keys, shared by writers and readers.

Per goal and per client: ``goal_progress`` and ``client_summary``, written by that
client's events. Per clinic and month: ``clinic_month`` (counts of the month) and
``clinic_spans`` (clients counted in a period, by the month their span starts),
aggregates written by the events of every client of the clinic with atomic
``$inc`` updates (docs/reports.md, "Clinic aggregates").

Every document id starts with the clinic (shared.store.mongo.compound_id), so a
change can only reach a document of its event's clinic. Document keys may not
contain '.' nor start with '$', and ids may contain '.', so an id used as a map
key is escaped with :func:`map_key`; the entry itself always carries the real id.
"""
from __future__ import annotations

from urllib.parse import quote

from shared.store.mongo import compound_id

GOAL_PROGRESS = "goal_progress"    # _id clinic:goal
CLIENT_SUMMARY = "client_summary"  # _id clinic:client
CLINIC_MONTH = "clinic_month"      # _id clinic:YYYY-MM
CLINIC_SPANS = "clinic_spans"      # _id clinic:YYYY-MM (the month the spans start)
COLLECTIONS = (GOAL_PROGRESS, CLIENT_SUMMARY, CLINIC_MONTH, CLINIC_SPANS)
# what no report shows, left out of the reads: the guards' maps and a client's log
PROJECTOR_BOOKKEEPING = {"applied": 0, "applied_offsets": 0, "log": 0}


def map_key(identifier: str) -> str:
    """The id as a document key: '%', '.', '$' and other reserved characters percent-encoded."""
    return quote(identifier, safe="").replace(".", "%2E")


def goal_progress_id(clinic_id: str, goal_id: str) -> str:
    return compound_id(clinic_id, goal_id)


def client_summary_id(clinic_id: str, client_id: str) -> str:
    return compound_id(clinic_id, client_id)


def clinic_month_id(clinic_id: str, month: str) -> str:
    """The id of a clinic's month document, in ``clinic_month`` and ``clinic_spans`` alike."""
    return compound_id(clinic_id, month)
