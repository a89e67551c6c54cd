"""Idempotency records: the first answer to a POST or PATCH, kept per (clinic, Idempotency-Key).

No transactions: a request *claims* its key by inserting a document whose unique
``_id`` is derived from (clinic, key); the insert that wins runs the command, and
then stores the answer (``complete``) or, when nothing was recorded, gives the key
back (``release``). Every later request with the key finds the document and gets the
stored answer, a mismatch (another body), or "in progress".

Crash window: a process that dies after its events were stored but before
``complete`` leaves the claim pending. Retries are told "in progress" until the
claim is ``stale_after`` old; then one retry takes it over and runs the command
again. Ids of what a keyed request creates are derived from the key (``record_id``),
so that second run meets the first one's events (the version guard, a duplicate
milestone, a milestone already reached, an unchanged status) and records nothing
twice; only its answer differs from the lost one.

Retention: a TTL index removes a record ``RETENTION`` (24 hours) after its claim;
after that the key is new again (a request with it runs, and meets the first
run's events as above). Every other query is by ``_id``.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from pymongo import ASCENDING, IndexModel
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from shared.domain.time import instant, utc_now
from shared.store import indexes

COLLECTION = "idempotency_keys"
PENDING, DONE = "pending", "done"
RETENTION = timedelta(hours=24)
INDEXES = indexes.declare({COLLECTION: [IndexModel([("claimed_at", ASCENDING)],
                                                   expireAfterSeconds=int(RETENTION.total_seconds()))]})


@dataclass(frozen=True)
class Claim:
    """What the key says about this request: run it (`claimed`), replay `answer`, or refuse."""
    record_id: str
    claimed: bool = False
    answer: dict | None = None        # {"status", "body", "headers"} of the first request
    mismatch: bool = False            # the key was used for another request
    in_progress: bool = False         # the first request has not answered yet


def record_id(clinic_id: str, key: str) -> str:
    return hashlib.sha256(json.dumps([clinic_id, key]).encode()).hexdigest()


class IdempotencyRecords:
    def __init__(self, db: Database, stale_after: timedelta = timedelta(seconds=30)):
        self.records, self.stale_after = db[COLLECTION], stale_after

    def claim(self, clinic_id: str, key: str, fingerprint: str) -> Claim:
        """Claim the key for this request, or say what the key already stands for."""
        doc_id = record_id(clinic_id, key)
        now = utc_now()
        try:
            self.records.insert_one({"_id": doc_id, "clinic_id": clinic_id, "key": key,
                                     "fingerprint": fingerprint, "state": PENDING, "claimed_at": now})
            return Claim(doc_id, claimed=True)
        except DuplicateKeyError:
            existing = self.records.find_one({"_id": doc_id})
        if existing is None:  # released in between: try again
            return self.claim(clinic_id, key, fingerprint)
        if existing["fingerprint"] != fingerprint:
            return Claim(doc_id, mismatch=True)
        if existing["state"] == DONE:
            return Claim(doc_id, answer=existing["answer"])
        taken = self._take_over_if_stale(existing, now)
        return Claim(doc_id, claimed=taken, in_progress=not taken)

    def complete(self, claim: Claim, status: int, body: str, headers: dict[str, str]) -> None:
        """Keep the answer: later requests with the key get it again."""
        answer = {"status": status, "body": body, "headers": headers}
        self.records.update_one({"_id": claim.record_id}, {"$set": {"state": DONE, "answer": answer}})

    def release(self, claim: Claim) -> None:
        """Nothing was recorded: the key may be used again."""
        self.records.delete_one({"_id": claim.record_id, "state": PENDING})

    def _take_over_if_stale(self, existing: dict, now: datetime) -> bool:
        claimed_at = instant(existing["claimed_at"])
        if now - claimed_at < self.stale_after:
            return False
        still_stale = {"_id": existing["_id"], "state": PENDING, "claimed_at": existing["claimed_at"]}
        taken = self.records.update_one(still_stale, {"$set": {"claimed_at": now}})
        return taken.modified_count == 1
