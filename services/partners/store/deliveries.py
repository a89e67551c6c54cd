"""The webhook channel's log of attempts (``deliveries``), newest first per subscription.

One document per attempt: subscription_id, seq, webhook_id, attempt (1, 2...
of that entry on that subscription), at, status_code (None: no answer),
latency_ms, outcome (delivered, failed, parked) and error (a short reason such
as timeout, never personal data). Attempts older than KEEP_DAYS are removed by
the store (a TTL index on ``at``); parked entries stay in ``parked`` whatever
their age (store/webhooks.py).
"""
from __future__ import annotations

from datetime import datetime

from pymongo import ASCENDING, DESCENDING, IndexModel

from services.partners.store.documents import DELIVERIES
from shared.store import indexes
from shared.store.indexes import Query

KEEP_DAYS = 30
NEWEST_FIRST = [("at", DESCENDING), ("_id", DESCENDING)]
INDEXES = indexes.declare(
    {DELIVERIES: [IndexModel([("subscription_id", ASCENDING), *NEWEST_FIRST]),
                  IndexModel([("at", ASCENDING)], expireAfterSeconds=KEEP_DAYS * 86400)]},
    [Query.of(DELIVERIES, equal=["subscription_id"], sort=NEWEST_FIRST),
     Query.of(DELIVERIES, equal=["subscription_id"])])


def attempt(subscription_id: str, seq: int, webhook_id: str, number: int, at: datetime, status_code: int | None,
            latency_ms: float, outcome: str, error: str | None) -> dict:
    """The log document of one attempt (`number`: 1, 2... of that entry on that subscription)."""
    return {"subscription_id": subscription_id, "seq": seq, "webhook_id": webhook_id, "attempt": number, "at": at,
            "status_code": status_code, "latency_ms": latency_ms, "outcome": outcome, "error": error}


def record(db, attempts: list[dict]) -> None:
    """Log the attempts (one write for a run's attempts)."""
    if attempts:
        db[DELIVERIES].insert_many(attempts, ordered=False)


def page(db, subscription_id: str, page_number: int, page_size: int) -> dict:
    """A page of the subscription's attempts, newest first."""
    query = {"subscription_id": subscription_id}
    items = list(db[DELIVERIES].find(query, {"_id": 0, "subscription_id": 0}).sort(NEWEST_FIRST)
                 .skip((page_number - 1) * page_size).limit(page_size))
    return {"items": items, "page": page_number, "page_size": page_size,
            "total": db[DELIVERIES].count_documents(query)}
