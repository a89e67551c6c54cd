"""The webhook channel's state: which subscriptions are due, their cursor and retry, parked and requested entries.

On a subscription document (the shared design of issue 12, plus two fields of this channel):
``cursors.webhook`` (the last seq delivered or parked), ``webhook_retry``
({seq, attempts, first_attempt_at} of the entry being retried, or None) and
``webhook_due_at`` (when the channel next has something to do for it: now when
the router appends an entry or a redelivery or replay is asked for, the next
attempt's instant in a backoff, None when there is nothing to do). The channel
reads only due subscriptions (an index on ``webhook_due_at``), so a subscription
in backoff costs nothing until its next attempt. Every change of the cursor is
conditional on the cursor the channel read, so a replay that moves it while an
attempt is in flight wins.

``parked``: the entries whose retries ran out (the subscription's dead letters;
they stay until redelivered). ``redeliveries``: the entries a clinic admin asked
to send again, each tried once.
"""
from __future__ import annotations

from datetime import datetime

from pymongo import ASCENDING, IndexModel

from services.partners.domain.feed import entry_id
from services.partners.store.documents import FEED, PARKED, REDELIVERIES, SUBSCRIPTIONS
from shared.store import indexes
from shared.store.indexes import Query

BY_SEQ = [("subscription_id", ASCENDING), ("seq", ASCENDING)]
INDEXES = indexes.declare(
    {SUBSCRIPTIONS: [IndexModel([("webhook_due_at", ASCENDING)])],
     FEED: [IndexModel([("subscription_id", ASCENDING), ("recorded_at", ASCENDING), ("seq", ASCENDING)])],
     PARKED: [IndexModel(BY_SEQ)], REDELIVERIES: [IndexModel(BY_SEQ)]},
    [Query.of(SUBSCRIPTIONS, range=["webhook_due_at"], sort=["webhook_due_at"]),
     Query.of(FEED, equal=["subscription_id"], range=["recorded_at"], sort=["recorded_at", "seq"]),
     Query.of(PARKED, equal=["subscription_id"], sort=["seq"]),
     Query.of(REDELIVERIES, equal=["subscription_id"], sort=["seq"])])


def due(db, now: datetime, limit: int) -> list[dict]:
    """The subscriptions the channel has something to do for at `now`, longest waiting first."""
    return list(db[SUBSCRIPTIONS].find({"webhook_due_at": {"$lte": now}}).sort("webhook_due_at", ASCENDING)
                .limit(limit))


def cursor_before(db, subscription_id: str, moment: datetime, last_seq: int) -> int:
    """The cursor from which a replay re-sends the entries recorded at or after `moment`."""
    first = db[FEED].find_one({"subscription_id": subscription_id, "recorded_at": {"$gte": moment}},
                              sort=[("recorded_at", ASCENDING), ("seq", ASCENDING)])
    return last_seq if first is None else first["seq"] - 1


def advance(db, subscription_id: str, cursor: int, seq: int) -> bool:
    """Move the cursor from `cursor` to `seq` (delivered, skipped or parked); False if it moved meanwhile."""
    moved = db[SUBSCRIPTIONS].update_one({"_id": subscription_id, "cursors.webhook": cursor},
                                         {"$set": {"cursors.webhook": seq, "webhook_retry": None}})
    return moved.modified_count == 1


def retry_later(db, subscription_id: str, cursor: int, retry: dict, at: datetime) -> None:
    """Keep the entry after `cursor` for another attempt at `at` (unless the cursor moved meanwhile)."""
    db[SUBSCRIPTIONS].update_one({"_id": subscription_id, "cursors.webhook": cursor},
                                 {"$set": {"webhook_retry": retry, "webhook_due_at": at}})


def settle(db, subscription: dict) -> None:
    """Nothing left to do: not due, unless an entry or a request arrived since `subscription` was read."""
    db[SUBSCRIPTIONS].update_one(
        {"_id": subscription["_id"], "seq": subscription.get("seq", 0),
         "webhook_due_at": subscription["webhook_due_at"]}, {"$set": {"webhook_due_at": None}})


def woken(now: datetime) -> dict:
    """The change of a subscription that makes the channel look at it at `now` (a resume, a new URL)."""
    return {"webhook_due_at": now}


def make_due(db, subscription_id: str, now: datetime, changes: dict | None = None) -> None:
    db[SUBSCRIPTIONS].update_one({"_id": subscription_id}, {"$set": {**(changes or {}), **woken(now)}})


def rewind(db, subscription_id: str, cursor: int, now: datetime) -> None:
    """A replay: deliver again what follows `cursor`, from now on."""
    make_due(db, subscription_id, now, {"cursors.webhook": cursor, "webhook_retry": None})


def park(db, subscription_id: str, seq: int, webhook_id: str, attempts: int, now: datetime) -> None:
    db[PARKED].replace_one({"_id": entry_id(subscription_id, seq)},
                           {"subscription_id": subscription_id, "seq": seq, "webhook_id": webhook_id,
                            "attempts": attempts, "parked_at": now}, upsert=True)


def unpark(db, subscription_id: str, seq: int) -> None:
    db[PARKED].delete_one({"_id": entry_id(subscription_id, seq)})


def parked_seqs(db, subscription_id: str) -> list[int]:
    return [doc["seq"] for doc in db[PARKED].find({"subscription_id": subscription_id}, {"seq": 1}).sort("seq")]


def request_redelivery(db, subscription_id: str, seqs: list[int], now: datetime) -> None:
    for seq in seqs:
        db[REDELIVERIES].replace_one({"_id": entry_id(subscription_id, seq)},
                                     {"subscription_id": subscription_id, "seq": seq, "requested_at": now},
                                     upsert=True)
    make_due(db, subscription_id, now)


def requested(db, subscription_id: str, limit: int) -> list[int]:
    """The seqs asked to be redelivered, in seq order."""
    return [doc["seq"] for doc in db[REDELIVERIES].find({"subscription_id": subscription_id}, {"seq": 1})
            .sort("seq", ASCENDING).limit(limit)]


def redelivered(db, subscription_id: str, seq: int) -> None:
    db[REDELIVERIES].delete_one({"_id": entry_id(subscription_id, seq)})
