"""The reports projection's handlers: event in, changes out (no store)."""
from collections import Counter
from datetime import datetime, timedelta, timezone

from services.reports.projection import reports_projection
from services.reports.store.documents import CLIENT_SUMMARY, CLINIC_MONTH, CLINIC_SPANS, GOAL_PROGRESS
from shared.store.projection import Upsert
from shared.store.updates import OPERATORS
from tests.unit.reports.reports_builders import JAN, Story, changes, empty_store_context, weeks

ALLOWED_OPERATORS = set(OPERATORS)  # the ones the runtime can combine within a batch


def changes_of(event):
    """The event's changes when the store holds nothing yet."""
    return changes(reports_projection(), event, empty_store_context())


def by_collection(changes):
    return {change.collection: change for change in changes}


LEVELS = {"-2": "Silent in every meeting", "-1": "Speaks when asked", "0": "Speaks once a meeting",
          "1": "Speaks twice a meeting", "2": "Leads an item"}
SUDS = {"name": "Subjective units of distress", "baseline": 80, "target": 30, "unit": "SUDS"}


def a_full_story():
    story = Story()
    story.goal("goal-1", milestones=2)
    story.revise("goal-1", weeks(1), title="Speak first in meetings", gas_levels=LEVELS)
    story.add_milestone("goal-1", "goal-1-extra", weeks(1))
    story.reach("goal-1", "goal-1-m1", weeks(2))
    story.session("s-1", weeks(2), ratings={"goal-1": 1}, phq9=14, gad7=9, item9=0)
    story.session("s-2", weeks(3), attendance="no-show")
    story.status("goal-1", weeks(4))
    story.reminder("r-1", weeks(4))
    story.reminder("r-2", weeks(4), failed=True)
    return story


def test_the_projection_consumes_goal_and_reminder_topics_under_its_own_group():
    projection = reports_projection()
    assert projection.name == "reports-projector"
    assert projection.topics == ("goals-events", "reminders-events")
    assert set(projection.collections) == {GOAL_PROGRESS, CLIENT_SUMMARY, CLINIC_MONTH, CLINIC_SPANS}


def test_every_document_an_event_changes_belongs_to_the_events_clinic_and_client_documents_to_its_client():
    """A client's documents are its own; the clinic aggregates are its clinic's (their ids start with it)."""
    story = a_full_story()
    other = Story(clinic="clinic-a", client="client-2")
    other.goal("goal-2")
    for event in story.events + other.events:
        for change in changes_of(event):
            owner = change.update["$set"].get("client_id") if change.collection == CLIENT_SUMMARY else None
            assert owner in (None, event.partitionkey)
            assert change.id.startswith(event.clinicid + ":")


def test_no_event_changes_a_document_twice():
    for event in a_full_story().events:
        changes = changes_of(event)
        assert all(isinstance(change, Upsert) for change in changes)  # one document, selected by _id alone
        targets = Counter((change.collection, change.id) for change in changes)
        assert max(targets.values()) == 1, event.type


def test_handlers_use_only_update_operators_the_runtime_can_combine():
    for event in a_full_story().events:
        for change in changes_of(event):
            assert set(change.update) <= ALLOWED_OPERATORS, (event.type, change.update)


def test_goal_created_writes_the_goal_and_an_entry_in_the_clients_summary():
    changes = by_collection(changes_of(Story(clinic="clinic-a").goal("goal-1", milestones=1)))
    assert changes[GOAL_PROGRESS].id == "clinic-a:goal-1"
    assert changes[CLIENT_SUMMARY].id == "clinic-a:client-1"
    progress = changes[GOAL_PROGRESS].update["$set"]
    assert progress["clinic_id"] == "clinic-a" and progress["lifecycle_status"] == "active"
    assert progress["milestones.goal-1-m1.due_date"] == "2025-01-20"
    summary = changes[CLIENT_SUMMARY].update
    assert summary["$set"]["goals.goal-1.clinician_id"] == "clinician-1"
    assert summary["$addToSet"] == {"clinician_ids": "clinician-1"}


def test_ids_with_dots_or_colons_become_safe_keys_and_never_merge_tenants():
    story = Story(clinic="a:b", client="c")
    changes = by_collection(changes_of(story.goal("goal.1")))
    assert changes[CLIENT_SUMMARY].id == "a%3Ab:c"
    assert "goals.goal%2E1.goal_id" in changes[CLIENT_SUMMARY].update["$set"]
    other = by_collection(changes_of(Story(clinic="a", client="b:c").goal("goal-2")))
    assert other[CLIENT_SUMMARY].id == "a:b%3Ac" != changes[CLIENT_SUMMARY].id


def test_an_event_can_only_reach_a_goal_of_its_own_clinic():
    story = Story(clinic="clinic-b")
    reached = by_collection(changes_of(story.reach("goal-of-clinic-a", "m1", weeks(1))))
    rated = [c for c in changes_of(story.session("s-1", weeks(1), ratings={"goal-of-clinic-a": 2}))
             if c.collection == GOAL_PROGRESS]
    assert reached[GOAL_PROGRESS].id == rated[0].id == "clinic-b:goal-of-clinic-a"


def test_becoming_achieved_keeps_the_first_time_it_happened():
    story = Story()
    story.goal("goal-1")
    achieved = by_collection(changes_of(story.status("goal-1", weeks(3), "completed", "achieved")))
    assert achieved[GOAL_PROGRESS].update["$min"] == {"achieved_at": weeks(3)}
    on_hold = by_collection(changes_of(story.status("goal-1", weeks(4), "on-hold", "in-progress", "other")))
    assert "$min" not in on_hold[GOAL_PROGRESS].update


def test_a_status_change_updates_the_goal_and_the_clients_summary():
    story = Story(clinic="clinic-a")
    story.goal("goal-1")
    changes = by_collection(changes_of(story.status("goal-1", weeks(1))))
    assert set(changes) == {GOAL_PROGRESS, CLIENT_SUMMARY}
    assert changes[CLIENT_SUMMARY].update["$set"]["goals.goal-1.lifecycle_status"] == "completed"
    assert changes[GOAL_PROGRESS].update["$push"]["status_history"]["reason"] == "goal-met"


def test_a_session_pushes_each_rating_to_its_goal_and_skips_goals_addressed_without_a_rating():
    event = Story().session("s-1", weeks(1), ratings={"goal-1": 2, "goal-2": None})
    ratings = [c for c in changes_of(event) if c.collection == GOAL_PROGRESS]
    assert [c.id for c in ratings] == ["clinic-a:goal-1"]
    assert ratings[0].update == {"$push": {"ratings": {"at": weeks(1), "rating": 2, "session_id": "s-1"}}}


def test_a_session_adds_banded_measures_and_counts_attendance_in_total_per_month_and_per_clinician():
    event = Story().session("s-1", datetime(2025, 2, 28, 23, 30, tzinfo=timezone.utc), phq9=15, gad7=4, item9=1)
    summary = by_collection(changes_of(event))[CLIENT_SUMMARY].update
    assert summary["$inc"] == {"sessions_attended": 1, "sessions_by_clinician.clinician-1.sessions_attended": 1}
    assert summary["$push"]["phq9"] == {"at": "2025-02-28T23:30:00Z", "score": 15, "band": "moderately-severe",
                                        "item9": 1}
    assert summary["$push"]["gad7"]["band"] == "minimal"


def test_a_missed_session_counts_as_missed_and_records_no_measures():
    changes = by_collection(changes_of(Story().session("s-1", weeks(1), attendance="cancelled-late")))
    assert changes[CLIENT_SUMMARY].update["$inc"]["sessions_missed"] == 1
    assert "sessions_attended" not in changes[CLIENT_SUMMARY].update["$inc"]
    assert set(changes[CLIENT_SUMMARY].update["$push"]) == {"log"}


def test_a_session_counts_in_the_utc_month_it_took_place():
    event = Story(clinic="clinic-a").session("s-1", datetime(2025, 4, 1, 0, 30, tzinfo=timezone(timedelta(hours=2))))
    assert by_collection(changes_of(event))[CLINIC_MONTH].id == "clinic-a:2025-03"


def test_reminders_count_on_the_clients_summary():
    sent = changes_of(Story().reminder("r-1", JAN))
    failed = changes_of(Story().reminder("r-2", JAN, failed=True))
    assert [c.update["$inc"] for c in sent + failed] == [{"reminders_sent": 1}, {"reminders_failed": 1}]


def test_a_clients_first_goal_and_session_increment_their_clinics_month_and_span():
    story = Story(clinic="clinic-a")
    created = by_collection(changes_of(story.goal("goal-1", JAN, category="depression")))
    assert created[CLINIC_MONTH].id == "clinic-a:2025-01"
    assert created[CLINIC_MONTH].update["$inc"] == {"goals_set": 1, "categories.depression.goals_set": 1}
    session = by_collection(changes_of(story.session("s-1", weeks(4), phq9=12)))
    assert session[CLINIC_MONTH].id == "clinic-a:2025-02"
    assert session[CLINIC_MONTH].update["$inc"] == {"sessions_attended": 1, "clients_seen": 1}
    assert session[CLINIC_SPANS].update["$inc"] == {"seen.open": 1, "outcomes.open.all.measured": 1}
    assert session[CLIENT_SUMMARY].update["$push"]["log"]["k"] == "s-1#1"


def test_goal_created_keeps_the_goals_measure_and_gas_levels():
    created = Story().goal("goal-1", measure=SUDS, gas_levels=LEVELS)
    progress = by_collection(changes_of(created))[GOAL_PROGRESS].update["$set"]
    assert (progress["measure"], progress["gas_levels"]) == (SUDS, LEVELS)
    assert "description" not in progress


def test_a_revision_sets_exactly_the_revised_facts_on_the_goals_progress():
    story = Story(clinic="clinic-a")
    story.goal("goal-1")
    revised = story.revise("goal-1", weeks(1), title="Speak first in meetings", priority="high", target_date=None)
    assert changes_of(revised) == [Upsert(GOAL_PROGRESS, "clinic-a:goal-1", {"$set": {
        "title": "Speak first in meetings", "priority": "high", "target_date": None}})]


def test_a_revision_replaces_the_measure_and_gas_levels_whole():
    story = Story()
    story.goal("goal-1", measure=SUDS, gas_levels=LEVELS)
    fewer_steps = {**LEVELS, "2": "Chairs a meeting"}
    [change] = changes_of(story.revise("goal-1", weeks(1), measure=None, gas_levels=fewer_steps))
    assert change.update == {"$set": {"measure": None, "gas_levels": fewer_steps}}


def test_a_revision_of_the_description_alone_changes_no_document():
    story = Story()
    story.goal("goal-1")
    assert changes_of(story.revise("goal-1", weeks(1), description="Not a figure of any report")) == []
    [change] = changes_of(story.revise("goal-1", weeks(2), description=None, priority="low"))
    assert change.update == {"$set": {"priority": "low"}}
