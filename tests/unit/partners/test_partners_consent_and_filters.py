"""Consent (in force at the event's time and now) and the category filters, as the router and channels apply them."""
from datetime import datetime, timedelta, timezone

from services.partners.domain.consent import shares
from services.partners.domain.filters import filtered
from services.partners.projection.consents import sharing_changed
from tests.unit.partners.partners_builders import SharingStory
from tests.unit.reports.reports_builders import JAN, weeks

T0 = datetime(2025, 1, 6, tzinfo=timezone.utc)


def record(*changes):
    """The consent record after the changes ((scope, partner_ids, at) each), as the projection writes it."""
    history = [{"scope": scope, "partner_ids": list(ids), "changed_at": at} for scope, ids, at in changes]
    return {**history[-1], "history": history}


def test_a_client_without_a_record_shares_with_every_partner():
    assert shares(None, "ehr-1", T0)


def test_a_withdrawal_stops_what_comes_after_it_and_what_is_not_delivered_yet():
    withdrawn = record(("none", (), T0))
    assert not shares(withdrawn, "ehr-1", T0 + timedelta(seconds=1))
    assert not shares(withdrawn, "ehr-1", T0 - timedelta(days=1))


def test_what_happened_while_withdrawn_stays_unshared_after_sharing_again():
    again = record(("none", (), T0), ("all", (), T0 + timedelta(days=2)))
    assert not shares(again, "ehr-1", T0 + timedelta(days=1))
    assert shares(again, "ehr-1", T0 + timedelta(days=3))
    assert shares(again, "ehr-1", T0 - timedelta(days=1))  # before any choice: shared (opt-out)


def test_a_list_shares_with_the_listed_partners_only():
    listed = record(("listed", ("ehr-1",), T0))
    assert shares(listed, "ehr-1", T0 + timedelta(1)) and not shares(listed, "registry-1", T0 + timedelta(1))


def test_the_projection_keeps_the_choice_and_its_history():
    story = SharingStory(clinic="c1", client="k1")
    event = story.share(JAN, "listed", ("ehr-1",))
    [change] = sharing_changed(event)
    assert change.id == "c1:k1"
    assert change.update["$set"]["scope"] == "listed" and change.update["$set"]["partner_ids"] == ["ehr-1"]
    assert change.update["$push"]["history"]["changed_at"] == JAN


def test_a_category_filter_keeps_the_events_of_goals_of_those_categories():
    story = SharingStory()
    created = story.goal("g1", category="anxiety", milestones=1)
    reached = story.reach("g1", "g1-m1", weeks(1))
    categories = {"g1": "anxiety"}
    assert filtered(created, {"categories": ["anxiety"]}, categories) is created
    assert filtered(created, {"categories": ["depression"]}, categories) is None
    assert filtered(reached, {"categories": ["anxiety"]}, categories) is reached
    assert filtered(reached, {"categories": ["anxiety"]}, {}) is None  # a goal the router has not seen
    assert filtered(reached, {"categories": []}, {}) is reached


def test_a_session_passes_with_the_ratings_of_the_matching_goals_only():
    story = SharingStory()
    session = story.session("s1", weeks(1), ratings={"g1": 1, "g2": -1})
    categories = {"g1": "anxiety", "g2": "depression"}
    narrowed = filtered(session, {"categories": ["depression"]}, categories)
    assert [rating["goal_id"] for rating in narrowed.data["goals"]] == ["g2"]
    assert filtered(session, {"categories": ["coping-skills"]}, categories) is None
    assert filtered(session, {"categories": ["anxiety", "depression"]}, categories).data == session.data
