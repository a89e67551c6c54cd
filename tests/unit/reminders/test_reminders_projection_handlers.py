"""The projection's handlers: one upsert of one facts document per event, and a request to plan its subject."""

from services.reminders.projection import HANDLERS, reminders_projection
from services.reminders.store.documents import CLIENT_FACTS, GOAL_FACTS, PLANNING_REQUESTS, client_key, goal_key
from shared.contract.envelope import CloudEvent
from shared.contract.types import (GOAL_CREATED, GOAL_REVISED, GOAL_STATUS_CHANGED, MILESTONE_ADDED, MILESTONE_REACHED,
                                   SESSION_LOGGED)
from shared.store.projection import InsertIfAbsent, Upsert


def event(type_, data, subject="g1", sequence=1):
    return CloudEvent(type=type_, source="/test", subject=subject, schemaversion=1, clinicid="clinic-1",
                      sequence=sequence, partitionkey="c1", data=data, id=f"evt-{type_}",
                      time="2026-03-01T10:00:00.000Z")


def test_goal_created_records_status_rule_and_dated_milestones_without_titles():
    created = event("goal-created", {"goal_id": "g1", "client_id": "c1", "title": "PERSONAL", "lifecycle_status":
                                     "active", "practice_rrule": "FREQ=DAILY", "target_date": "2026-06-30",
                                     "milestones": [
                                         {"milestone_id": "m1", "title": "PERSONAL", "due_date": "2026-03-10"}]})
    change, request = HANDLERS[GOAL_CREATED](created)

    assert isinstance(change, Upsert) and (change.collection, change.id) == (GOAL_FACTS, goal_key("clinic-1", "g1"))
    values = change.update["$set"]
    assert values["practice_rrule"] == "FREQ=DAILY" and values["lifecycle_status"] == "active"
    assert values["target_date"] == "2026-06-30"
    assert values["milestones"] == [{"milestone_id": "m1", "due_date": "2026-03-10", "source": "evt-goal-created"}]
    assert "PERSONAL" not in repr(change)
    assert isinstance(request, InsertIfAbsent) and request.collection == PLANNING_REQUESTS
    assert request.document["_id"] == created.id  # a redelivered event asks for nothing new
    assert (request.document["kind"], request.document["subject_id"]) == ("goal", "g1")


def test_goal_changes_touch_the_same_goal_document():
    data = {"goal_id": "g1", "client_id": "c1", "milestone_id": "m2", "due_date": None, "title": "x",
            "lifecycle_status": "on-hold"}
    changes = [HANDLERS[t](event(t, data, sequence=2))[0]
               for t in (MILESTONE_ADDED, MILESTONE_REACHED, GOAL_STATUS_CHANGED)]

    assert {change.id for change in changes} == {goal_key("clinic-1", "g1")}
    assert changes[0].update["$push"] == {"milestones": {"milestone_id": "m2", "due_date": None,
                                                         "source": "evt-milestone-added"}}
    assert changes[1].update["$addToSet"] == {"reached": "m2"}
    assert changes[2].update["$set"]["lifecycle_status"] == "on-hold"


def test_a_revised_target_date_is_set_on_the_goals_facts_and_asks_for_the_goal_to_be_planned_again():
    revised = event(GOAL_REVISED, {"goal_id": "g1", "client_id": "c1", "revised": ["target_date", "title"],
                                   "target_date": None, "title": "PERSONAL"}, sequence=3)
    change, request = HANDLERS[GOAL_REVISED](revised)

    assert (change.collection, change.id) == (GOAL_FACTS, goal_key("clinic-1", "g1"))
    assert change.update == {"$set": {"clinic_id": "clinic-1", "client_id": "c1", "goal_id": "g1", "target_date": None}}
    assert (request.document["_id"], request.document["kind"], request.document["subject_id"]) == (
        revised.id, "goal", "g1")


def test_a_revision_that_leaves_the_target_date_alone_changes_no_fact_and_plans_nothing():
    for fields in ({"title": "PERSONAL"}, {"description": None}, {"priority": "low"}, {"measure": None},
                   {"gas_levels": None}):
        revised = event(GOAL_REVISED, {"goal_id": "g1", "client_id": "c1", "revised": list(fields), **fields})
        assert list(HANDLERS[GOAL_REVISED](revised)) == []


def test_a_logged_session_is_pushed_onto_the_clients_facts():
    logged = event("session-logged", {"session_id": "s1", "client_id": "c1", "occurred_at": "2026-03-01T10:00:00+01:00",
                                      "attendance": "no-show", "next_session_at": None}, subject="s1")
    change, request = HANDLERS[SESSION_LOGGED](logged)

    assert (change.collection, change.id) == (CLIENT_FACTS, client_key("clinic-1", "c1"))
    assert (request.document["kind"], request.document["subject_id"]) == ("client", "c1")
    pushed = change.update["$push"]["sessions"]
    assert pushed["attended"] is False and pushed["occurred_at"].isoformat() == "2026-03-01T09:00:00+00:00"


def test_the_projection_consumes_the_goals_topic_and_rebuilds_facts_and_requests_but_never_reminders():
    projection = reminders_projection()
    assert projection.name == "reminders-projector" and projection.topics == ("goals-events",)
    assert projection.collections == (GOAL_FACTS, CLIENT_FACTS, PLANNING_REQUESTS)
