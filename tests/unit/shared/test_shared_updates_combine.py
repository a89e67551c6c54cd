"""Combining update documents: the same effect in one update, or no combination at all."""
from datetime import datetime, timezone

import pytest

from shared.store.updates import combine

EARLY, LATE = datetime(2025, 1, 1, tzinfo=timezone.utc), datetime(2025, 6, 1, tzinfo=timezone.utc)


def test_counters_add_up_later_values_win_and_extremes_are_kept():
    first = {"$inc": {"attended": 1}, "$set": {"status": "active"}, "$min": {"first": LATE}, "$max": {"last": EARLY}}
    then = {"$inc": {"attended": 1, "missed": 1}, "$set": {"status": "on-hold"}, "$min": {"first": EARLY},
            "$max": {"last": LATE}}

    assert combine(first, then) == {"$set": {"status": "on-hold"}, "$inc": {"attended": 2, "missed": 1},
                                    "$min": {"first": EARLY}, "$max": {"last": LATE}}


def test_pushes_become_one_each_in_order():
    combined = combine({"$push": {"ratings": {"r": 1}}, "$addToSet": {"ids": "a"}},
                       {"$push": {"ratings": {"$each": [{"r": 2}, {"r": 3}]}}, "$addToSet": {"ids": "b"}})

    assert combined == {"$push": {"ratings": {"$each": [{"r": 1}, {"r": 2}, {"r": 3}]}},
                        "$addToSet": {"ids": {"$each": ["a", "b"]}}}


def test_disjoint_fields_of_different_operators_combine():
    assert combine({"$inc": {"a": 1}}, {"$set": {"b.c": 2}}) == {"$set": {"b.c": 2}, "$inc": {"a": 1}}


@pytest.mark.parametrize(("first", "then"), [
    ({"$set": {"a": 1}}, {"$inc": {"a": 1}}),                      # one path, two operators
    ({"$set": {"goals.g1": {}}}, {"$set": {"goals.g1.status": "x"}}),  # a path inside another
    ({"$set": {"a.b": 1}}, {"$inc": {"a": 1}}),
    ({"$unset": {"a": ""}}, {"$set": {"b": 1}}),                   # an operator that does not combine
    ({"$push": {"r": {"$each": [1], "$slice": -5}}}, {"$push": {"r": 2}}),  # order-dependent modifiers
    ({"$min": {"at": EARLY}}, {"$min": {"at": "2025-01-01"}}),     # values that do not compare
])
def test_updates_that_one_update_cannot_say_are_not_combined(first, then):
    assert combine(first, then) is None


def test_the_inputs_are_left_unchanged():
    first, then = {"$inc": {"a": 1}, "$push": {"r": 1}}, {"$inc": {"a": 2}, "$push": {"r": 2}}

    combine(first, then)

    assert (first, then) == ({"$inc": {"a": 1}, "$push": {"r": 1}}, {"$inc": {"a": 2}, "$push": {"r": 2}})
