"""What the code relies on from MongoDB, checked on the store the suite runs on.

On MongoDB these hold by its documentation; the embedded development store
(deploy/docstore/DocStore.java) must keep them too: atomic single-document updates
under concurrency, unique-insert claims, bulk writes of any size, and secondary
indexes that return exactly what a scan would, and TTL indexes that expire.
"""
from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
from pymongo import ASCENDING, DESCENDING, ReturnDocument, UpdateOne
from pymongo.errors import DuplicateKeyError

from tests.support import wait_until

pytestmark = pytest.mark.integration


def run_together(count: int, work) -> list:
    """Run `work(i)` on `count` threads released at once; return their results in order."""
    start = threading.Barrier(count)

    def worker(i):
        start.wait()
        return work(i)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(worker, range(count)))


def test_concurrent_increments_of_one_document_are_all_kept(db):
    db.counters.insert_one({"_id": "c", "n": 0})

    def increment(_):
        for _ in range(500):
            db.counters.update_one({"_id": "c"}, {"$inc": {"n": 1}})

    run_together(8, increment)
    assert db.counters.find_one({"_id": "c"})["n"] == 4000


def test_a_guarded_update_raced_by_eight_writers_with_the_same_sequence_applies_once(db):
    for trial in range(25):
        doc_id = f"projection-{trial}"
        db.docs.insert_one({"_id": doc_id, "applied": {"s": 0}, "count": 0})

        def apply_sequence_1(_):
            guard = {"_id": doc_id, "applied.s": {"$not": {"$gte": 1}}}
            return db.docs.update_one(guard, {"$set": {"applied.s": 1}, "$inc": {"count": 1}}).modified_count

        assert sum(run_together(8, apply_sequence_1)) == 1
        assert db.docs.find_one({"_id": doc_id})["count"] == 1


def test_find_one_and_update_hands_out_every_value_once(db):
    db.sequences.insert_one({"_id": "seq", "next": 0})

    def take(_):
        return [db.sequences.find_one_and_update({"_id": "seq"}, {"$inc": {"next": 1}},
                                                 return_document=ReturnDocument.BEFORE)["next"] for _ in range(50)]

    taken = [value for values in run_together(8, take) for value in values]
    assert sorted(taken) == list(range(400))


def test_a_find_beside_concurrent_updates_returns_only_documents_that_match_its_filter(db):
    db.reminders.insert_many([{"_id": i, "status": "pending"} for i in range(2000)])
    flipped = threading.Event()

    def flip():
        for i in range(2000):
            db.reminders.update_one({"_id": i}, {"$set": {"status": "sending"}})
        flipped.set()

    writer = threading.Thread(target=flip)
    writer.start()
    returned = []
    while not flipped.is_set():
        returned += [doc["status"] for doc in db.reminders.find({"status": "pending"})]
    writer.join()
    assert returned and set(returned) == {"pending"}


def test_unique_insert_claims_have_exactly_one_winner(db):
    for trial in range(25):
        def claim(i):
            try:
                db.claims.insert_one({"_id": f"reminder-{trial}", "owner": i})
                return 1
            except DuplicateKeyError:
                return 0

        assert sum(run_together(8, claim)) == 1


def test_a_unique_secondary_index_refuses_a_duplicate(db):
    db.commits.create_index([("stream_id", ASCENDING), ("first_version", ASCENDING)], unique=True)
    db.commits.insert_one({"_id": "a", "stream_id": "goal-1", "first_version": 1})
    with pytest.raises(DuplicateKeyError):
        db.commits.insert_one({"_id": "b", "stream_id": "goal-1", "first_version": 1})


def test_a_bulk_of_a_thousand_updates_and_eight_concurrent_bulks_complete(db):
    db.items.insert_many([{"_id": i, "n": 0} for i in range(1000)])
    result = db.items.bulk_write([UpdateOne({"_id": i}, {"$inc": {"n": 1}}) for i in range(1000)])
    assert result.modified_count == 1000

    def bulk(worker):
        return db.items.bulk_write([UpdateOne({"_id": i}, {"$inc": {"n": 1}})
                                    for i in range(worker * 100, worker * 100 + 200)]).modified_count

    assert sum(run_together(8, bulk)) == 1600
    assert sum(doc["n"] for doc in db.items.find()) == 1000 + 1600


START = datetime(2027, 1, 1, tzinfo=timezone.utc)
MANY = ["a", "b", "c", "x", "y", "z", "c1", "c2"] + [f"other-{n}" for n in range(30)]


def test_queries_through_secondary_indexes_return_exactly_what_a_scan_returns(db):
    """The same random writes go to an indexed and an unindexed collection; every query and page agrees."""
    indexed, plain = db.indexed, db.plain
    indexed.create_index([("clinic", ASCENDING), ("client", ASCENDING), ("at", ASCENDING)])
    indexed.create_index([("tags", ASCENDING)])
    indexed.create_index([("status", ASCENDING), ("due", ASCENDING), ("_id", ASCENDING)])
    indexed.create_index([("due", DESCENDING)])
    rng = random.Random(20261201)

    def random_doc():
        return {"clinic": rng.choice(["c1", "c2", 3]), "client": rng.choice(["a", "b", "c", None]),
                "at": rng.randint(0, 5), "tags": rng.sample(["x", "y", "z"], rng.randint(0, 2)),
                "status": rng.choice(["pending", "sent"]),
                "due": rng.choice([*range(10), None, "7", START + timedelta(days=rng.randint(0, 9))])}

    def random_query():
        return rng.choice([
            {"clinic": rng.choice(["c1", "c2", 3, 3.0])},
            {"clinic": "c1", "client": rng.choice(["a", "b"])},
            {"clinic": "c2", "client": "a", "at": {"$gte": rng.randint(0, 5)}},
            {"clinic": {"$in": ["c1", 3]}, "at": rng.randint(0, 5)},
            {"clinic": "c1", "client": {"$in": rng.sample(["a", "b", "c"], rng.randint(0, 2))}},
            {"clinic": {"$in": ["c2", 3.0]}, "client": {"$in": ["a", None]}, "at": {"$lt": rng.randint(0, 5)}},
            {"status": {"$in": ["sent"]}, "due": rng.randint(0, 9), "_id": {"$in": [1, 2, 3, 30]}},
            {"client": {"$in": rng.sample(MANY, 20)}, "status": "sent"},                # a long $in: by set
            {"tags": {"$in": rng.sample(MANY, 18)}, "clinic": {"$in": rng.sample(MANY + [3], 17)}},
            {"tags": rng.choice(["x", "y"])},
            {"status": "pending", "due": {"$lte": rng.randint(0, 9)}},
            {"_id": rng.randint(0, 60), "status": "sent"},
            {"due": {"$gt": rng.randint(0, 9)}},
            {"due": {"$gte": rng.randint(0, 5), "$lt": rng.randint(4, 10)}},
            {"due": {"$lte": START + timedelta(days=rng.randint(0, 9))}},           # one-sided, by type
            {"status": "pending", "due": {"$gt": START + timedelta(days=rng.randint(0, 9))}},
            {"due": {"$lt": rng.choice(["5", "8", ""])}},
            {"status": "sent", "due": {"$gt": rng.randint(0, 9)}},
        ])

    for step in range(600):
        doc_id = rng.randint(0, 60)
        action = rng.random()
        if action < 0.5:
            replacement = random_doc()
            for collection in (indexed, plain):
                collection.replace_one({"_id": doc_id}, replacement, upsert=True)
        elif action < 0.8:
            selector = {"clinic": rng.choice(["c1", "c2"])}
            change = {"$set": {rng.choice(["clinic", "client", "status"]): rng.choice(["c1", "a", "sent", "pending"])}}
            for collection in (indexed, plain):
                collection.update_many(selector, change)
        else:
            for collection in (indexed, plain):
                collection.delete_one({"_id": doc_id})
        if step % 10 == 0:
            query = random_query()
            expected = sorted(doc["_id"] for doc in plain.find(query))
            assert sorted(doc["_id"] for doc in indexed.find(query)) == expected, query
            assert indexed.count_documents(query) == len(expected), query
            for order in ([("due", 1), ("_id", 1)], [("due", -1), ("_id", -1)]):
                page = dict(sort=order, skip=rng.randint(0, 3), limit=rng.randint(1, 5))
                assert ([doc["_id"] for doc in indexed.find({"status": "pending"}, **page)]
                        == [doc["_id"] for doc in plain.find({"status": "pending"}, **page)]), page


def test_a_ttl_index_expires_old_documents_and_keeps_young_ones(db, servers):
    if not servers["native"]:
        pytest.skip("MongoDB's TTL monitor runs once a minute; the test profile's store runs it every second")
    db.records.create_index([("created_at", ASCENDING)], expireAfterSeconds=3600)
    now = datetime.now(timezone.utc)
    db.records.insert_many([{"_id": "old", "created_at": now - timedelta(hours=2)},
                            {"_id": "young", "created_at": now - timedelta(minutes=5)},
                            {"_id": "undated", "created_at": "not a date"}])
    wait_until(lambda: db.records.find_one({"_id": "old"}) is None, timeout=15, message="the old record to expire")
    assert sorted(doc["_id"] for doc in db.records.find()) == ["undated", "young"]
