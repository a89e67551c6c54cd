"""The reports projection's collections, document ids and map keys, shared by writers and readers.

Every document belongs to one client (a goal's progress, a client's summary), so
only that client's events write it. They share a Kafka partition (the message key
is the client id), hence one consumer at a time: FerretDB applies concurrent
updates of one document non-atomically, and a document written from several
partitions would lose updates once the consumer group has more than one worker.
Reports about a clinician or a whole clinic are computed from these documents.

Every document id starts with the clinic, so a change can only reach a document
of its event's clinic. Document keys may not contain '.' nor start with '$', and
ids may contain '.', so an id used as a map key is escaped with :func:`map_key`;
the entry itself always carries the real id. Compound ids join percent-encoded
parts with ':' so that two tenants' ids can never run together.
"""
from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import quote

GOAL_PROGRESS = "goal_progress"    # _id clinic:goal
CLIENT_SUMMARY = "client_summary"  # _id clinic:client
COLLECTIONS = (GOAL_PROGRESS, CLIENT_SUMMARY)


def map_key(identifier: str) -> str:
    """The id as a document key: '%', '.', '$' and other reserved characters percent-encoded."""
    return quote(identifier, safe="").replace(".", "%2E")


def compound_id(*parts: str) -> str:
    """`clinic-1:client-7`; a ':' inside a part is encoded, so parts never run together."""
    return ":".join(quote(part, safe="") for part in parts)


def goal_progress_id(clinic_id: str, goal_id: str) -> str:
    return compound_id(clinic_id, goal_id)


def client_summary_id(clinic_id: str, client_id: str) -> str:
    return compound_id(clinic_id, client_id)


def instant(value: str | datetime) -> datetime:
    """An ISO-8601 instant (with offset) as an aware datetime in UTC."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"instant without offset: {value!r}")
    return moment.astimezone(timezone.utc)


def month_of(moment: datetime) -> str:
    """The calendar month (UTC) of an instant: 'YYYY-MM'."""
    return instant(moment).strftime("%Y-%m")
