"""The reports projector on real Kafka and the real store: worked figures, duplicates, rebuild and verify."""
import contextlib
from datetime import timedelta

import pytest

from services.reports.domain.errors import GoalReportNotFound
from services.reports.projection import reports_projection
from services.reports.rebuild import verify
from services.reports.service import ReportsService
from services.reports.store.documents import COLLECTIONS
from shared.messaging.replay import rebuild
from tests.support import publish, running_projection, wait_caught_up
from tests.unit.reports.reports_builders import JAN, Story, weeks

pytestmark = pytest.mark.integration


def gas_story(client: str, latest: tuple[int, int, int]) -> Story:
    """Three goals rated -2 at first, then `latest` a week later (the latest rating is the one that counts)."""
    story = Story(clinic="clinic-gas", client=client)
    goals = [f"{client}-g{n}" for n in (1, 2, 3)]
    for goal in goals:
        story.goal(goal, milestones=2)
    story.session(f"{client}-s1", weeks(1), ratings=dict.fromkeys(goals, -2))
    story.session(f"{client}-s2", weeks(2), ratings=dict(zip(goals, latest)))
    return story


def measures_story(client: str, phq9=(), gad7=(), clinic: str = "clinic-measures") -> Story:
    story = Story(clinic=clinic, client=client)
    for n in range(max(len(phq9), len(gad7))):
        story.session(f"{clinic}-{client}-s{n}", weeks(n), phq9=phq9[n] if n < len(phq9) else None,
                      gad7=gad7[n] if n < len(gad7) else None, item9=0)
    return story


def progress_story() -> Story:
    story = Story(clinic="clinic-progress", client="client-p")
    story.goal("goal-p", milestones=3)
    story.reach("goal-p", "goal-p-m1", JAN + timedelta(days=9))
    story.reach("goal-p", "goal-p-m2", JAN + timedelta(days=30))
    story.add_milestone("goal-p", "goal-p-extra", weeks(5))
    story.revise("goal-p", weeks(5), priority="high",
                 gas_levels={key: f"Level {key}" for key in ("-2", "-1", "0", "1", "2")})
    story.session("session-p1", weeks(2), ratings={"goal-p": 1})
    story.session("session-p2", weeks(3), attendance="no-show")
    story.status("goal-p", weeks(6), "completed", "achieved")
    return story


STORIES = [
    gas_story("plus", (1, 1, 0)), gas_story("minus", (-1, -1, -1)), gas_story("max", (2, 2, 2)),
    measures_story("bands", phq9=(4, 5, 9, 10, 14, 15, 19, 20), gad7=(4, 5, 14, 15)),
    measures_story("drop-6", phq9=(16, 12, 10)),
    measures_story("drop-5", phq9=(16, 11)),
    measures_story("recovers", phq9=(15, 9), gad7=(8, 7)),
    measures_story("worse", gad7=(6, 10)),
    measures_story("drop-6", phq9=(3, 3), clinic="clinic-elsewhere"),
    progress_story(),
]
EVENTS = [event for story in STORIES for event in story.events]


class Projector:
    """The projection's consumer running in a thread; `stop()` ends it (a rebuild needs it stopped)."""

    def __init__(self, projection, running: contextlib.ExitStack):
        self.projection, self.stop = projection, running.close


@pytest.fixture(scope="module")
def projector(reports_settings, reports_db):
    projection = reports_projection()
    with contextlib.ExitStack() as running:
        running.enter_context(running_projection(projection, reports_settings, reports_db))
        publish(reports_settings, EVENTS)
        wait_caught_up(reports_settings, projection)
        yield Projector(projection, running)


def client(db, clinic, client_id):
    return ReportsService(db).client_report(clinic, client_id)


def documents(db) -> dict:
    return {name: {doc["_id"]: {k: v for k, v in doc.items() if k != "applied"} for doc in db[name].find()}
            for name in COLLECTIONS}


def test_gas_t_scores_of_the_worked_examples(projector, reports_db):
    assert client(reports_db, "clinic-gas", "plus")["gas_t_score"] == 59.13
    assert client(reports_db, "clinic-gas", "minus")["gas_t_score"] == 36.31
    assert client(reports_db, "clinic-gas", "max")["gas_t_score"] == 77.39


def test_phq9_and_gad7_bands_at_every_boundary(projector, reports_db):
    report = client(reports_db, "clinic-measures", "bands")
    assert [p["band"] for p in report["phq9"]["series"]] == [
        "minimal", "mild", "mild", "moderate", "moderate", "moderately-severe", "moderately-severe", "severe"]
    assert [p["band"] for p in report["gad7"]["series"]] == ["minimal", "mild", "moderate", "severe"]
    assert (report["phq9"]["first"], report["phq9"]["latest"], report["phq9"]["band"]) == (4, 20, "severe")


def test_reliable_improvement_needs_a_drop_of_six_on_phq9(projector, reports_db):
    drop_6, drop_5 = client(reports_db, "clinic-measures", "drop-6"), client(reports_db, "clinic-measures", "drop-5")
    assert (drop_6["reliable_improvement"], drop_6["recovery"]) == (True, False)  # 10 is still caseness
    assert (drop_5["reliable_improvement"], drop_5["recovery"]) == (False, False)


def test_recovery_means_below_both_caseness_thresholds_at_the_latest(projector, reports_db):
    report = client(reports_db, "clinic-measures", "recovers")
    assert report["reliable_improvement"] is True
    assert report["recovery"] is True and report["reliable_recovery"] is True


def test_a_rise_of_four_on_gad7_is_reliable_deterioration(projector, reports_db):
    report = client(reports_db, "clinic-measures", "worse")
    assert (report["reliable_deterioration"], report["reliable_improvement"]) == (True, False)
    assert report["recovery"] is None  # not at caseness at first: recovery does not apply


def test_the_same_client_id_in_another_clinic_is_another_client(projector, reports_db):
    elsewhere = client(reports_db, "clinic-elsewhere", "drop-6")
    assert [p["score"] for p in elsewhere["phq9"]["series"]] == [3, 3]
    assert [p["score"] for p in client(reports_db, "clinic-measures", "drop-6")["phq9"]["series"]] == [16, 12, 10]


def test_goal_progress_shows_milestones_days_ratings_and_status(projector, reports_db):
    report = ReportsService(reports_db).goal_report("clinic-progress", "goal-p")
    assert (report["milestones_total"], report["milestones_reached"]) == (4, 2)
    assert [m["days_to_reach"] for m in report["milestones"] if m["reached_at"]] == [9, 30]
    assert (report["lifecycle_status"], report["achievement_status"]) == ("completed", "achieved")
    assert report["achieved_at"] is not None and report["latest_rating"] == 1
    assert (report["priority"], report["latest_rating_level"]) == ("high", "Level 1")
    summary = client(reports_db, "clinic-progress", "client-p")
    assert (summary["sessions_attended"], summary["sessions_missed"], summary["attendance_rate"]) == (1, 1, 0.5)
    with pytest.raises(GoalReportNotFound):
        ReportsService(reports_db).goal_report("clinic-gas", "goal-p")


def test_duplicated_events_leave_every_figure_unchanged(projector, reports_settings, reports_db):
    before = documents(reports_db)
    publish(reports_settings, EVENTS)
    wait_caught_up(reports_settings, projector.projection)
    assert documents(reports_db) == before


def test_a_rebuild_from_the_topics_gives_the_same_documents(projector, reports_settings, reports_db):
    before = documents(reports_db)
    projector.stop()  # a rebuild refuses to run beside the live worker
    read = rebuild(projector.projection, reports_settings, reports_db, progress=lambda done, total: None)
    assert read >= len(EVENTS)
    assert documents(reports_db) == before
    assert verify(projector.projection, reports_settings, reports_db, progress=lambda done, total: None) == []


def test_verify_reports_a_live_document_that_drifted_from_the_events(projector, reports_settings, reports_db):
    goal = {"_id": "clinic-progress:goal-p"}
    reports_db["goal_progress"].update_one(goal, {"$set": {"lifecycle_status": "active"}})
    try:
        assert verify(projector.projection, reports_settings, reports_db, progress=lambda done, total: None) == [
            "goal_progress clinic-progress:goal-p: differs at lifecycle_status"]
    finally:
        reports_db["goal_progress"].update_one(goal, {"$set": {"lifecycle_status": "completed"}})
