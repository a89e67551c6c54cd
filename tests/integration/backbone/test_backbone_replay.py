"""Replays: applying a topic again changes nothing; a rebuild swaps in fresh collections and repeats no side effect."""
from collections import Counter

import pytest
from backbone_kit import (applied_count, committed_offsets, consuming, counting_handler, counting_projection,
                          expected_per_client, per_client)

from shared.messaging.replay import REBUILD_SUFFIX, LiveConsumerRunning, rebuild
from tests.support import publish, wait_until

pytestmark = pytest.mark.integration


def documents(db) -> list:
    return sorted(db["per_client"].find(), key=lambda doc: doc["_id"])


def test_consuming_the_topic_a_second_time_from_the_start_leaves_the_projection_identical(settings, db, events):
    sent = events.mix(clients=5, per_client=8)
    publish(settings, sent)
    first = counting_projection()
    with consuming(first, settings, db):
        wait_until(lambda: applied_count(db) >= len(sent), message="first pass applied")
    after_first_pass = documents(db)

    second = counting_projection(name=first.name + "-again")  # another group: reads from offset 0
    with consuming(second, settings, db):
        wait_until(lambda: committed_offsets(settings, second.name) == len(sent), message="second pass done")

    assert documents(db) == after_first_pass
    assert per_client(db) == expected_per_client(sent)


def test_a_rebuild_swaps_in_fresh_collections_catches_up_and_repeats_no_side_effect(settings, db, events):
    sent, while_stopped, during = (events.mix(clients=4, per_client=6), events.mix(clients=2, per_client=3),
                                   events.mix(clients=3, per_client=2))
    calls, delivered, replaying = Counter(), [], []
    counting = counting_handler(calls)

    def with_side_effect(event, ctx):
        replaying.append(ctx.replaying)
        if not ctx.replaying:
            delivered.append(event.id)  # e.g. a reminder or a partner delivery
        return counting(event, ctx)

    projection = counting_projection(calls=calls, goal_created=with_side_effect)
    publish(settings, sent)
    with consuming(projection, settings, db):
        wait_until(lambda: applied_count(db) >= len(sent), message="live projection up to date")
    db["per_client"].update_one({"_id": "client-0"}, {"$set": {"events": 999}})  # a projection bug's damage
    db["per_client"].delete_one({"_id": "client-1"})
    publish(settings, while_stopped)
    progress, delivered_live = [], list(delivered)
    replaying.clear()

    def publish_more_during_the_rebuild(done, total):
        if not progress:
            publish(settings, during)
        progress.append((done, total))

    read = rebuild(projection, settings, db, progress=publish_more_during_the_rebuild)

    everything = sent + while_stopped + during
    assert per_client(db) == expected_per_client(everything)
    assert read == len(everything) and progress[0][1] == len(sent + while_stopped)
    assert not any(name.endswith(REBUILD_SUFFIX) for name in db.list_collection_names())
    assert set(replaying) == {True} and delivered == delivered_live, "the rebuild delivered nothing"

    with consuming(projection, settings, db):  # the worker restarts from its own offsets
        wait_until(lambda: committed_offsets(settings, projection.name) == len(everything), message="caught up")

    assert per_client(db) == expected_per_client(everything)
    goals = [e.id for e in everything if e.type == "goal-created"]
    assert sorted(delivered) == sorted(goals), "each side effect ran once, live: none repeated, none skipped"


def test_a_rebuild_refuses_to_run_beside_the_live_worker(settings, db, events):
    publish(settings, events.mix(clients=1, per_client=2))
    projection = counting_projection()

    with consuming(projection, settings, db):
        wait_until(lambda: applied_count(db) >= 2, message="the worker running")
        with pytest.raises(LiveConsumerRunning, match="stop its worker"):
            rebuild(projection, settings, db)
