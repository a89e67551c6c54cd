"""The idempotency guard: every change applies only if it advances its aggregate's sequence."""
from pymongo import UpdateMany, UpdateOne

from shared.events.envelope import CloudEvent
from shared.projection import Context, InsertIfAbsent, Upsert, UpdateWhere, to_operations, write_batch


def event(subject="goal-1", sequence=3) -> CloudEvent:
    return CloudEvent(type="milestone-reached", source="/t", subject=subject, schemaversion=1, clinicid="c",
                      sequence=sequence, partitionkey="client-1", data={})


class RecordingCollection:
    def __init__(self, log, name):
        self.log, self.name = log, name

    def bulk_write(self, operations, ordered):
        self.log.append((self.name, operations, ordered))


class RecordingDatabase:
    def __init__(self):
        self.log = []

    def __getitem__(self, name):
        return RecordingCollection(self.log, name)


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


def test_a_batch_is_one_ordered_bulk_write_per_collection_through_the_logical_names():
    db = RecordingDatabase()
    ctx = Context(db=db, names={"goals": "goals__rebuild"})

    write_batch(ctx, [(event(sequence=1), Upsert("goals", "g", {"$inc": {"n": 1}})),
                      (event(sequence=2), Upsert("goals", "g", {"$inc": {"n": 1}})),
                      (event(sequence=2), InsertIfAbsent("log", {"_id": 1}))])

    assert sorted((name, ordered) for name, _, ordered in db.log) == [("goals__rebuild", True), ("log", True)]
    [goals] = [operations for name, operations, _ in db.log if name == "goals__rebuild"]
    assert [op._filter.get("applied.goal-1") for op in goals if "applied.goal-1" in op._filter] == [
        {"$not": {"$gte": 1}}, {"$not": {"$gte": 2}}]
