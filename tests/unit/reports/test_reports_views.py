"""Report figures computed from stored documents (no store: documents written out by hand)."""
from datetime import date, datetime, timezone

from services.reports.domain.client_report import client_view
from services.reports.domain.clinician_report import clinician_view
from services.reports.domain.goal_report import goal_view
from services.reports.domain.measures import band_ranges, measure_scales
from services.reports.domain.series import measure_view


def at(day: int, month: int = 1) -> datetime:
    return datetime(2025, month, day, 10, tzinfo=timezone.utc)


def series(*scores, measure_band=lambda s: "x"):
    return [{"at": f"2025-01-{n + 1:02d}T10:00:00Z", "score": s, "band": measure_band(s)} for n, s in enumerate(scores)]


def goal_document(goal_id="goal-1", ratings=(), lifecycle="active", **extra):
    return {"_id": goal_id, "goal_id": goal_id, "client_id": "client-1", "clinician_id": "clinician-1",
            "title": "Speak up", "category": "anxiety", "priority": "medium", "lifecycle_status": lifecycle,
            "achievement_status": "in-progress", "created_at": at(1), "target_date": "2025-04-01",
            "ratings": [{"at": at(day), "rating": r, "session_id": f"s-{day}"} for day, r in ratings], **extra}


def summary(goals=(), phq9=(), gad7=(), **extra):
    return {"client_id": "client-1", "goals": {g["goal_id"]: {k: g[k] for k in (
        "goal_id", "lifecycle_status", "achievement_status", "category")} for g in goals},
        "phq9": list(phq9), "gad7": list(gad7), **extra}


def test_goal_report_counts_milestones_and_the_days_taken_to_reach_each():
    document = goal_document(milestones={
        "m1": {"milestone_id": "m1", "title": "Ask one question", "due_date": "2025-01-15", "added_at": at(1),
               "reached_at": at(11)},
        "m2": {"milestone_id": "m2", "title": "Give an update", "due_date": "2025-01-08", "added_at": at(1)},
        "m3": {"milestone_id": "m3", "title": "Chair a meeting", "due_date": "2025-02-01", "added_at": at(5),
               "reached_at": at(3, 2)}})
    report = goal_view(document)
    assert (report["milestones_total"], report["milestones_reached"]) == (3, 2)
    assert [m["milestone_id"] for m in report["milestones"]] == ["m2", "m1", "m3"]  # by due date
    assert [m["days_to_reach"] for m in report["milestones"]] == [None, 10, 29]
    assert [m["reached_on_time"] for m in report["milestones"]] == [None, True, False]
    assert report["target_date"] == date(2025, 4, 1)


def test_the_latest_rating_is_the_one_of_the_latest_session_not_the_last_logged():
    report = goal_view(goal_document(ratings=[(10, 1), (3, -1)]))
    assert report["latest_rating"] == 1 and report["latest_rating_at"] == at(10)
    assert [r["rating"] for r in report["ratings"]] == [-1, 1]


def test_the_goals_gas_view_reads_the_latest_rating_on_its_current_levels():
    levels = {"-2": "Stays home", "-1": "Walks to the stop", "0": "Rides one stop", "1": "Rides to work once",
              "2": "Rides to work daily"}
    report = goal_view(goal_document(ratings=[(3, -1), (10, 1)], gas_levels=levels))
    assert report["gas_levels"] == levels and report["latest_rating_level"] == "Rides to work once"
    assert goal_view(goal_document(gas_levels=levels))["latest_rating_level"] is None  # not rated yet
    unscaled = goal_view(goal_document(ratings=[(3, 0)]))
    assert (unscaled["gas_levels"], unscaled["latest_rating_level"], unscaled["measure"]) == (None, None, None)


def test_client_gas_t_score_uses_each_goals_latest_rating():
    goals = [goal_document("g1", [(1, -2), (8, 1)]), goal_document("g2", [(8, 1)]), goal_document("g3", [(8, 0)]),
             goal_document("g4")]
    report = client_view(summary(goals), goals)
    assert report["gas_t_score"] == 59.13
    assert report["gas_goals_rated"] == 3


def test_goals_entered_in_error_leave_the_gas_t_score_and_the_goal_total():
    goals = [goal_document(f"g{n}", [(8, -1)]) for n in (1, 2, 3)]
    goals.append(goal_document("g4", [(8, 2)], lifecycle="entered-in-error"))
    report = client_view(summary(goals), goals)
    assert report["gas_t_score"] == 36.31
    assert report["goals_total"] == 3
    assert report["goals_by_status"] == {"active": 3, "entered-in-error": 1}


def test_client_attendance_rate_counts_late_cancellations_and_no_shows_as_missed():
    report = client_view(summary(sessions_attended=3, sessions_missed=1), [])
    assert report["attendance_rate"] == 0.75
    assert client_view(summary(), [])["attendance_rate"] is None


def test_phq9_series_are_reported_in_time_order_with_first_latest_and_band():
    stored = [{"at": "2025-02-01T10:00:00Z", "score": 9, "band": "mild"},
              {"at": "2025-01-01T10:00:00Z", "score": 16, "band": "moderately-severe"}]
    view = measure_view(stored)
    assert [p["score"] for p in view["series"]] == [16, 9]
    assert (view["first"], view["latest"], view["change"], view["band"]) == (16, 9, -7, "mild")


def test_recovery_and_reliable_improvement_follow_the_nhs_thresholds():
    recovered = client_view(summary(phq9=series(16, 9), gad7=series(9, 7)), [])
    assert recovered["reliable_improvement"] and recovered["recovery"] is True
    still_at_caseness = client_view(summary(phq9=series(16, 10)), [])
    assert still_at_caseness["reliable_improvement"] is True and still_at_caseness["recovery"] is False
    too_small = client_view(summary(gad7=series(12, 9)), [])
    assert too_small["reliable_improvement"] is False and too_small["recovery"] is False


def test_one_measurement_is_not_yet_an_outcome():
    report = client_view(summary(phq9=series(20)), [])
    assert report["has_paired_scores"] is False and report["recovery"] is None


def entry(goal_id, lifecycle="active", clinician="clinician-1", category="anxiety", created=None, achieved=None):
    """A goal's entry in a client summary."""
    return {"goal_id": goal_id, "lifecycle_status": lifecycle, "achievement_status": "in-progress",
            "category": category, "clinician_id": clinician, "created_at": created or at(1), "achieved_at": achieved}


def client_summary(client_id, goals=(), by_clinician=None, phq9=()):
    """A summary as the projector writes it: sessions by clinician under escaped keys, each entry naming its id."""
    sessions = {clinician.replace(".", "%2E"): {"clinician_id": clinician, **counts}
                for clinician, counts in (by_clinician or {}).items()}
    return {"client_id": client_id, "goals": {g["goal_id"]: g for g in goals}, "phq9": list(phq9),
            "sessions_by_clinician": sessions}


def test_caseload_lists_the_clinicians_clients_goals_and_sessions():
    c1 = client_summary("c1", [entry("g1"), entry("g2", "completed"), entry("g9", clinician="clinician-2")],
                        {"clinician-1": {"sessions_attended": 3}, "clinician-2": {"sessions_missed": 4}},
                        phq9=series(18, 11))
    c2 = client_summary("c2", [entry("g3", "entered-in-error")], {"clinician-1": {"sessions_missed": 1}})
    report = clinician_view("clinician-1", [c2, c1])
    assert (report["clients_total"], report["goals_total"], report["goals_active"]) == (2, 2, 1)
    assert report["goals_by_status"] == {"entered-in-error": 1, "active": 1, "completed": 1}
    assert (report["sessions_attended"], report["sessions_missed"], report["attendance_rate"]) == (3, 1, 0.75)
    assert (report["clients_with_paired_scores"], report["clients_reliably_improved"]) == (1, 1)
    assert report["reliable_improvement_share"] == 1.0
    assert [c["client_id"] for c in report["clients"]] == ["c1", "c2"]
    assert report["clients"][0]["phq9_latest"] == 11 and report["clients"][1]["goals_total"] == 0


def test_a_clinician_whose_id_has_a_dot_finds_their_sessions_under_its_escaped_key():
    summary = client_summary("c1", [entry("g1", clinician="dr.who")], {"dr.who": {"sessions_attended": 2}})
    assert clinician_view("dr.who", [summary])["sessions_attended"] == 2


def test_chart_bands_are_read_off_the_scoring_guides():
    assert measure_scales()["phq9"]["bands"] == band_ranges("phq9")
    assert (measure_scales()["phq9"]["max"], measure_scales()["gad7"]["caseness"]) == (27, 8)
    assert band_ranges("gad7") == [{"band": "minimal", "low": 0, "high": 4}, {"band": "mild", "low": 5, "high": 9},
                                   {"band": "moderate", "low": 10, "high": 14},
                                   {"band": "severe", "low": 15, "high": 21}]
