"""The guard by subject on the real store: a change applies once, however often its event comes again."""
import pytest

from shared.contract.envelope import CloudEvent
from shared.store import mongo
from shared.store.projection import Context, InsertIfAbsent, UpdateWhere, Upsert, write_batch

pytestmark = pytest.mark.integration


@pytest.fixture
def ctx(settings_for):
    settings = settings_for("backbone")
    database = mongo.database(settings)
    yield Context(database)
    database.client.drop_database(database.name)


def event(subject: str = "goal-1", sequence: int = 3) -> CloudEvent:
    return CloudEvent(type="milestone-reached", source="/t", subject=subject, schemaversion=1, clinicid="c",
                      sequence=sequence, partitionkey="client-1", data={})


def test_an_upsert_creates_its_document_and_applies_each_event_once(ctx):
    reached = Upsert("goals", "goal-1", {"$inc": {"reached": 1}}, on_insert={"clinic": "c"})

    write_batch(ctx, [(event(sequence=3), reached)])
    write_batch(ctx, [(event(sequence=3), reached)])  # redelivered
    write_batch(ctx, [(event(sequence=2), reached)])  # an earlier event of the aggregate, replayed

    assert list(ctx.db.goals.find()) == [{"_id": "goal-1", "applied": {"goal-1": 3}, "clinic": "c", "reached": 1}]


def test_an_update_where_applies_each_event_once_to_the_documents_it_matches(ctx):
    ctx.db.reminders.insert_many([{"_id": f"r-{n}", "state": "due"} for n in (1, 2, 3)])
    done = UpdateWhere("reminders", {"_id": {"$in": ["r-1", "r-2"]}}, {"$set": {"state": "done"}, "$inc": {"closed": 1}})

    write_batch(ctx, [(event(), done)])
    write_batch(ctx, [(event(), done)])

    assert {doc["_id"]: (doc["state"], doc.get("closed")) for doc in ctx.db.reminders.find()} == {
        "r-1": ("done", 1), "r-2": ("done", 1), "r-3": ("due", None)}


def test_an_insert_if_absent_keeps_the_first_document_of_its_id(ctx):
    write_batch(ctx, [(event(sequence=3), InsertIfAbsent("log", {"_id": "e-1", "kind": "first"}))])
    write_batch(ctx, [(event(sequence=4), InsertIfAbsent("log", {"_id": "e-1", "kind": "second"}))])

    assert list(ctx.db.log.find()) == [{"_id": "e-1", "kind": "first"}]


def test_a_change_that_writes_the_guards_bookkeeping_is_refused(ctx):
    with pytest.raises(ValueError, match="applied"):
        write_batch(ctx, [(event(), Upsert("goals", "goal-1", {"$set": {"applied": {}}}))])
