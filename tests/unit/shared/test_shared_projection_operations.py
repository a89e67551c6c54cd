"""The idempotency guard: every change applies only if it advances its aggregate's sequence."""
from pymongo import UpdateMany, UpdateOne

from shared.contract.envelope import CloudEvent
from shared.store.projection import InsertIfAbsent, Upsert, UpdateWhere, to_operations


def event(subject="goal-1", sequence=3) -> CloudEvent:
    return CloudEvent(type="milestone-reached", source="/t", subject=subject, schemaversion=1, clinicid="c",
                      sequence=sequence, partitionkey="client-1", data={})


def test_an_upsert_creates_the_document_then_updates_it_only_below_the_sequence():
    create, update = to_operations(event(), Upsert("goals", "goal-1", {"$inc": {"reached": 1}}, {"clinic": "c"}))

    assert create == UpdateOne({"_id": "goal-1"}, {"$setOnInsert": {"applied": {}, "clinic": "c"}}, upsert=True)
    assert update == UpdateOne({"_id": "goal-1", "applied.goal-1": {"$not": {"$gte": 3}}},
                               {"$inc": {"reached": 1}, "$set": {"applied.goal-1": 3}})


def test_an_update_where_carries_the_guard_and_an_insert_if_absent_is_idempotent_by_id():
    [many] = to_operations(event(), UpdateWhere("reminders", {"goal_id": "goal-1"}, {"$set": {"state": "done"}}))
    [insert] = to_operations(event(), InsertIfAbsent("log", {"_id": "e-1", "kind": "x"}))

    assert many == UpdateMany({"goal_id": "goal-1", "applied.goal-1": {"$not": {"$gte": 3}}},
                              {"$set": {"state": "done", "applied.goal-1": 3}})
    assert insert == UpdateOne({"_id": "e-1"}, {"$setOnInsert": {"_id": "e-1", "kind": "x"}}, upsert=True)
