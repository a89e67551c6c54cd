"""Every query shape the code declares is served by a declared index under MongoDB's prefix rule.

The shapes are listed next to the code that sends them (each store module's INDEXES,
gathered in services/<service>/indexes.py); the integration and e2e sessions check that
the code sends no other (tests/conftest.py, shared/store/queryshapes.py).
"""
import pytest
from pymongo import IndexModel

from shared.store.indexes import Query, declare
from tests.index_check import by_id, describe, registry, served, serving

DECLARED = registry()
SHAPES = [(service, query) for service, declared in DECLARED.items() for query in declared.queries]


def test_every_service_declares_its_indexes():
    assert set(DECLARED) == {"goals", "reminders", "reports", "partners"}


@pytest.mark.parametrize("service,query", SHAPES, ids=[f"{s}: {describe(q)}" for s, q in SHAPES])
def test_each_declared_query_is_served_by_a_declared_index(service, query):
    if query.scan:
        assert query.scan.strip(), "a whole-collection read says why"
        return
    assert not by_id(query), "queries on _id need no entry"
    assert serving(DECLARED[service], query) is not None, f"no index of {service} serves {describe(query)}"


def test_declared_indexes_are_not_declared_twice():
    for service, declared in DECLARED.items():
        for collection, models in declared.models.items():
            keys = [tuple(model.document["key"].items()) for model in models]
            assert len(keys) == len(set(keys)), f"{service}.{collection} declares an index twice"


KEYS = [("clinic_id", 1), ("client_id", 1), ("due_at", 1), ("_id", 1)]


@pytest.mark.parametrize("query", [
    Query.of("c", equal=["clinic_id"]),
    Query.of("c", equal=["client_id", "clinic_id"]),                       # equality in any order
    Query.of("c", equal=["clinic_id", "client_id"], sort=["due_at", "_id"]),
    Query.of("c", equal=["clinic_id", "client_id"], sort=[("due_at", -1), ("_id", -1)]),  # read backwards
    Query.of("c", equal=["clinic_id", "client_id"], range=["due_at"], sort=["due_at", "_id"]),
    Query.of("c", equal=["clinic_id"], range=["due_at"]),                   # a range on a later key
    Query.of("c", sort=["clinic_id"]),                                     # ordered read of the first entries
    Query.of("c", range=["clinic_id"]),
])
def test_the_prefix_rule_serves(query):
    assert served(query, KEYS)


@pytest.mark.parametrize("query", [
    Query.of("c", equal=["client_id"]),                                    # not a prefix
    Query.of("c", equal=["clinic_id", "due_at"]),                          # a gap
    Query.of("c", equal=["clinic_id"], sort=["due_at"]),                   # client_id between
    Query.of("c", equal=["clinic_id", "client_id"], sort=[("due_at", 1), ("_id", -1)]),  # mixed directions
    Query.of("c", equal=["clinic_id", "client_id"], sort=["_id", "due_at"]),  # another order
    Query.of("c", equal=["clinic_id", "status"]),                          # a field outside the index
    Query.of("c", equal=["clinic_id"], range=["status"]),
    Query.of("c", range=["due_at"]),                                       # nothing narrows the read
    Query.of("c"),
])
def test_the_prefix_rule_refuses(query):
    assert not served(query, KEYS)


def test_queries_on_id_are_served_by_the_id_index():
    declared = declare({"c": [IndexModel([("a", 1)])]})
    assert serving(declared, Query.of("c", equal=["_id", "status"])) == [("_id", 1)]
    assert serving(declared, Query.of("c", equal=["status"])) is None
