"""The event store: one command's events are stored atomically, with a guard on the expected version."""
import threading

import pytest

from shared.store.eventstore import AlreadyApplied, ConcurrencyConflict, Request

pytestmark = pytest.mark.integration


def test_a_commands_events_are_stored_together_and_read_back_in_order(store, events):
    created = events.goal_created("client-1", "goal-1")
    reached = events.milestone_reached("client-1", "goal-1")

    store.append("goal-1", 0, [created])
    store.append("goal-1", 1, [reached, events.milestone_reached("client-1", "goal-1")])

    assert [e.sequence for e in store.load("goal-1")] == [1, 2, 3]
    assert store.load("goal-1")[0] == created
    assert store.commits.count_documents({"stream_id": "goal-1"}) == 2


def test_of_two_concurrent_appends_expecting_the_same_version_exactly_one_wins(store, events):
    store.append("goal-1", 0, [events.goal_created("client-1", "goal-1")])
    contenders = {name: [events.milestone_reached("client-1", "goal-1")] for name in ("a", "b")}
    for batch in contenders.values():  # both were decided on version 1
        object.__setattr__(batch[0], "sequence", 2)
    start, outcome = threading.Barrier(2), {}

    def append(name):
        start.wait()
        try:
            store.append("goal-1", 1, contenders[name])
            outcome[name] = "stored"
        except ConcurrencyConflict:
            outcome[name] = "conflict"

    threads = [threading.Thread(target=append, args=(name,)) for name in contenders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert sorted(outcome.values()) == ["conflict", "stored"]
    winner = next(name for name, result in outcome.items() if result == "stored")
    assert [e.id for e in store.load("goal-1")[1:]] == [contenders[winner][0].id]


def test_an_append_after_a_stale_read_is_refused_and_stores_nothing(store, events):
    store.append("goal-1", 0, [events.goal_created("client-1", "goal-1")])
    store.append("goal-1", 1, [events.milestone_reached("client-1", "goal-1")])
    stale = events.milestone_reached("client-1", "goal-1")
    object.__setattr__(stale, "sequence", 2)

    with pytest.raises(ConcurrencyConflict):
        store.append("goal-1", 1, [stale])

    assert len(store.load("goal-1")) == 2


def test_events_numbered_wrongly_for_the_expected_version_are_refused(store, events):
    with pytest.raises(ValueError):
        store.append("goal-1", 3, [events.goal_created("client-1", "goal-1")])


def test_one_request_is_stored_by_one_commit_at_most(store, events):
    request = Request("request-1", "fingerprint")
    store.append("goal-1", 0, [events.goal_created("client-1", "goal-1")], request)
    again = events.milestone_reached("client-1", "goal-1")
    object.__setattr__(again, "sequence", 2)

    with pytest.raises(AlreadyApplied):
        store.append("goal-1", 1, [again], request)

    assert store.commit_of("request-1")["last_version"] == 1 and len(store.load("goal-1")) == 1


def test_a_commit_the_writer_has_not_listed_yet_is_found_until_marked(store, events):
    created = events.goal_created("client-1", "goal-1")
    store.append("goal-1", 0, [created], listed=False)
    found = store.unlisted(created.clinicid)

    store.mark_listed([commit["_id"] for commit in found])

    assert [commit["stream_id"] for commit in found] == ["goal-1"] and store.unlisted(created.clinicid) == []
