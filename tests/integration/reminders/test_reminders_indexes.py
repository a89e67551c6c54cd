"""The queries an idle dispatcher repeats every round are served by indexes declared at start-up.

The claim filters are the ones the dispatcher sends (delivery/claims.py); a
query is served when an index starts with its equality keys followed by the
key it ranges over or sorts by (MongoDB's prefix rule).
"""
import pytest
from reminders_kit import now

from services.reminders.delivery import claims
from services.reminders.projection import reminders_projection
from services.reminders.store import planning
from services.reminders.store.documents import PLANNING_REQUESTS, REMINDERS
from services.reminders.store.reminders import ReminderStore
from shared.projection import Context

pytestmark = pytest.mark.integration


def declared(db, collection: str) -> list[tuple[str, ...]]:
    return [tuple(key for key, _ in index["key"]) for index in db[collection].index_information().values()]


def served(db, collection: str, equalities: tuple[str, ...], then: str) -> bool:
    wanted = (*equalities, then)
    return any(keys[:len(wanted)] == wanted for keys in declared(db, collection))


def test_every_query_an_idle_dispatcher_repeats_is_served_by_a_declared_index(db):
    ReminderStore(db).ensure_indexes()
    planning.ensure_indexes(db)
    reminders_projection().setup(Context(db))

    for query, earliest in claims.due_queries(now()):
        equalities = tuple(key for key, value in query.items() if not isinstance(value, dict))
        assert served(db, REMINDERS, equalities, earliest), query
    assert served(db, REMINDERS, ("outcome.published",), "outcome.attempted_at")
    assert served(db, PLANNING_REQUESTS, (), "at")
    assert served(db, planning.PLANS, (), "replan_at")
    assert served(db, REMINDERS, ("clinic_id", "plan_key"), "status")
