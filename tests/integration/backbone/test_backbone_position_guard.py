"""The guard by position on the real store: each record counts once however batches are cut; bounded bookkeeping."""
import pytest

from shared.store import mongo
from shared.contract.envelope import CloudEvent, Position
from shared.store.projection import BY_POSITION, OFFSETS, Context, Upsert, position_key, write_batch

pytestmark = pytest.mark.integration

PARTITIONS = 3


@pytest.fixture
def db(settings_for):
    settings = settings_for("backbone")
    database = mongo.database(settings)
    yield database
    database.client.drop_database(database.name)


def records(count: int) -> list[CloudEvent]:
    """`count` events of as many subjects, spread over three partitions, each at its offset there."""
    offsets = [0] * PARTITIONS
    sent = []
    for n in range(count):
        partition = n % PARTITIONS
        sent.append(CloudEvent(type="session-logged", source="/t", subject=f"session-{n}", schemaversion=1,
                               clinicid="c", sequence=1, partitionkey=f"client-{n}", data={"n": n},
                               position=Position("t.events", partition, offsets[partition])))
        offsets[partition] += 1
    return sent


def changes_of(events) -> list:
    """Per event: +1 on the clinic's total and +n on the document of its parity, both guarded by position."""
    return [(event, Upsert("totals", document, {"$inc": {"events": 1, "sum": event.data["n"]}}, guard=BY_POSITION))
            for event in events for document in ("clinic", f"parity-{event.data['n'] % 2}")]


def totals(db) -> dict:
    return {doc["_id"]: (doc["events"], doc["sum"]) for doc in db.totals.find()}


def test_redelivered_batches_cut_differently_apply_each_record_once(db):
    sent = records(60)
    ctx = Context(db)
    write_batch(ctx, changes_of(sent[:25]))   # applied, then the offsets were not committed
    write_batch(ctx, changes_of(sent[10:40]))  # a redelivery overlapping what was applied
    for event in sent[30:]:                    # one record at a time
        write_batch(ctx, changes_of([event]))
    write_batch(ctx, changes_of(sent))         # and a full redelivery changes nothing

    evens = [n for n in range(60) if n % 2 == 0]
    odds = [n for n in range(60) if n % 2]
    assert totals(db) == {"clinic": (60, sum(range(60))), "parity-0": (len(evens), sum(evens)),
                          "parity-1": (len(odds), sum(odds))}


def test_the_bookkeeping_holds_one_offset_per_partition_however_many_subjects_wrote(db):
    sent = records(300)
    write_batch(Context(db), changes_of(sent))
    clinic = db.totals.find_one({"_id": "clinic"})
    assert clinic[OFFSETS] == {position_key(Position("t.events", p, 99)): 99 for p in range(PARTITIONS)}
    assert "applied" not in clinic


def test_a_writer_that_moved_the_offsets_meanwhile_is_not_counted_twice(db):
    """Between the batch's read of the offsets and its update, another writer of a partition applies records."""
    sent = records(12)
    ctx = Context(db)
    write_batch(ctx, changes_of(sent[:3]))
    reads = []

    class Interleaved:  # the batch's read of the offsets is followed by another writer's batch
        def __init__(self, collection):
            self.collection = collection

        def __getattr__(self, name):
            return getattr(self.collection, name)

        def find(self, *args, **kwargs):
            found = list(self.collection.find(*args, **kwargs))
            if not reads:
                reads.append(True)
                write_batch(ctx, changes_of(sent[3:6]))
            return found
    interleaved = Context(db)
    interleaved.collection = lambda name: Interleaved(db[name])
    write_batch(interleaved, changes_of(sent[:9]))
    write_batch(ctx, changes_of(sent[9:]))
    assert totals(db)["clinic"] == (12, sum(range(12)))
    assert reads == [True]


def test_a_change_guarded_by_position_needs_the_position(db):
    event = CloudEvent(type="session-logged", source="/t", subject="s", schemaversion=1, clinicid="c",
                       sequence=1, partitionkey="client", data={"n": 1})
    with pytest.raises(ValueError, match="position"):
        write_batch(Context(db), changes_of([event]))


def test_changes_one_update_cannot_say_are_written_in_order_each_once(db):
    """`$max` then `$set` of one field do not combine: the document gets a chain of conditional updates."""
    sent = records(9)

    def changes(events):
        return [(event, Upsert("totals", "clinic", {"$max": {"top": event.data["n"]}} if event.data["n"] % 3 else
                               {"$set": {"top": -event.data["n"]}, "$inc": {"events": 1}}, guard=BY_POSITION))
                for event in events]
    write_batch(Context(db), changes(sent[:5]))
    write_batch(Context(db), changes(sent[2:]))  # redelivered from an earlier offset
    clinic = db.totals.find_one({"_id": "clinic"})
    assert (clinic["top"], clinic["events"]) == (8, 3)  # ... $set -6, $max 7, $max 8; $set at 0, 3, 6
