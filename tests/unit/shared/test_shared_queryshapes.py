"""Commands become query shapes (field names only), and shapes are checked against the declarations."""
from datetime import datetime, timezone

from pymongo import IndexModel

from shared.store.indexes import Query, declare
from shared.store.queryshapes import shapes_of
from tests.index_check import undeclared

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def test_a_find_keeps_its_equalities_ranges_and_sort_but_no_values():
    command = {"find": "reminders", "filter": {"clinic_id": "clinic-1", "status": {"$in": ["pending"]},
                                               "due_at": {"$lt": NOW}}, "sort": {"due_at": 1, "_id": 1}}
    assert shapes_of("find", command) == [
        Query.of("reminders", equal=["clinic_id", "status"], range=["due_at"], sort=["due_at", "_id"])]


def test_an_or_is_one_shape_per_branch_with_the_common_fields():
    command = {"find": "reminders", "filter": {"outcome.published": False, "$or": [
        {"outcome.by": "me"}, {"outcome.attempted_at": {"$lt": NOW}}]}, "sort": {"outcome.attempted_at": 1}}
    assert shapes_of("find", command) == [
        Query.of("reminders", equal=["outcome.published", "outcome.by"], sort=["outcome.attempted_at"]),
        Query.of("reminders", equal=["outcome.published"], range=["outcome.attempted_at"],
                 sort=["outcome.attempted_at"])]


def test_updates_deletes_and_counts_are_shapes_too_and_the_guard_and_rebuild_suffix_are_left_out():
    update = {"update": "goal_facts__rebuild", "updates": [
        {"q": {"_id": "c:g", "applied.g": {"$not": {"$gte": 3}}}, "u": {}},
        {"q": {"clinic_id": "c", "applied.g": {"$not": {"$gte": 3}}}, "u": {}}]}
    assert shapes_of("update", update) == [Query.of("goal_facts", equal=["_id"]),
                                           Query.of("goal_facts", equal=["clinic_id"])]
    assert shapes_of("delete", {"delete": "leaders", "deletes": [{"q": {"at": {"$lt": NOW}}, "limit": 0}]}) == [
        Query.of("leaders", range=["at"])]
    count = {"aggregate": "commits", "pipeline": [{"$match": {"published": False}}, {"$group": {"_id": 1}}]}
    assert shapes_of("aggregate", count) == [Query.of("commits", equal=["published"])]
    assert shapes_of("insert", {"insert": "commits", "documents": [{"_id": 1}]}) == []


def test_undeclared_names_shapes_without_a_serving_index_and_passes_declared_and_id_ones():
    declared = declare({"c": [IndexModel([("a", 1), ("b", 1)])]},
                       [Query.of("c", equal=["a"], sort=["b"]), Query.of("c", equal=["b"]),
                        Query.of("c", scan="an operator command reads everything")])
    shapes = [Query.of("c", equal=["a"], sort=["b"]), Query.of("c", equal=["_id", "x"]), Query.of("c"),
              Query.of("c", equal=["b"]), Query.of("d", equal=["a"])]
    assert undeclared(shapes, declared) == ["c equal=['b']: no declared index serves it",
                                            "d equal=['a']: not declared"]
