from datetime import datetime, timedelta, timezone

import pytest

from services.goals.domain import errors
from shared.contract.events import GoalRating, SessionLogged, SessionMeasures
from services.goals.domain.session import Session, fold

NOT_ATTENDED = ["no-show", "cancelled-late"]


def test_an_attended_session_is_logged_with_its_ratings_and_scores(log, noon):
    next_week = noon + timedelta(days=7)

    [logged] = log(goals=[("goal-1", 1), ("goal-2", None)], phq9=12, phq9_item9=0, gad7=8,
                   next_session_at=next_week)

    assert logged == SessionLogged(
        session_id="session-1", client_id="client-1", clinician_id="clinician-1",
        occurred_at=noon, duration_minutes=50, attendance="attended", modality="video",
        goals=(GoalRating("goal-1", 1), GoalRating("goal-2", None)),
        measures=SessionMeasures(phq9=12, phq9_item9=0, gad7=8), next_session_at=next_week,
    )


def test_a_session_without_ratings_or_scores_has_empty_measures(log):
    [logged] = log()

    assert logged.goals == ()
    assert logged.measures == SessionMeasures(None, None, None)
    assert logged.next_session_at is None


def test_session_times_are_recorded_in_utc(log):
    new_york = timezone(timedelta(hours=-5))
    occurred = datetime(2025, 3, 10, 9, 0, tzinfo=new_york)

    [logged] = log(occurred_at=occurred, next_session_at=occurred + timedelta(days=7))

    assert logged.occurred_at.tzinfo == timezone.utc and logged.occurred_at.hour == 14
    assert logged.next_session_at.tzinfo == timezone.utc


@pytest.mark.parametrize("field", ["occurred_at", "next_session_at"])
def test_session_times_need_a_time_zone(log, field):
    with pytest.raises(errors.TimezoneRequired) as refused:
        log(**{field: datetime(2025, 3, 17, 12, 0)})

    assert refused.value.field == field


def test_a_session_happens_at_a_date_and_time(log, today):
    with pytest.raises(errors.InvalidDates) as refused:
        log(occurred_at=today)

    assert refused.value.field == "occurred_at"


@pytest.mark.parametrize("later", [timedelta(0), timedelta(minutes=-1)])
def test_the_next_session_must_be_after_this_one(log, noon, later):
    with pytest.raises(errors.NextSessionNotAfterSession) as refused:
        log(next_session_at=noon + later)

    assert refused.value.field == "next_session_at"


@pytest.mark.parametrize("field", ["session_id", "client_id", "clinician_id"])
def test_session_ids_must_be_valid(log, field):
    with pytest.raises(errors.InvalidIdentifier) as refused:
        log(**{field: ""})

    assert refused.value.field == field


@pytest.mark.parametrize("minutes", [1, 600])
def test_a_session_lasts_from_one_minute_to_ten_hours(log, minutes):
    [logged] = log(duration_minutes=minutes)

    assert logged.duration_minutes == minutes


@pytest.mark.parametrize("minutes", [0, 601, -5, 50.5, True, None, "50"])
def test_a_session_duration_outside_one_to_600_minutes_is_refused(log, minutes):
    with pytest.raises(errors.DurationOutOfRange) as refused:
        log(duration_minutes=minutes)

    assert refused.value.field == "duration_minutes"


@pytest.mark.parametrize("field, value", [
    ("attendance", "late"), ("attendance", None), ("modality", "chat"), ("modality", "in person"),
])
def test_attendance_and_modality_come_from_their_lists(log, field, value):
    with pytest.raises(errors.InvalidChoice) as refused:
        log(**{field: value})

    assert refused.value.field == field


@pytest.mark.parametrize("rating", [-2, -1, 0, 1, 2, None])
def test_a_goal_is_rated_on_the_gas_scale_or_not_at_all(log, rating):
    [logged] = log(goals=[("goal-1", rating)])

    assert logged.goals == (GoalRating("goal-1", rating),)


@pytest.mark.parametrize("rating", [-3, 3, 1.0, True, "1"])
def test_a_rating_outside_minus_two_to_two_is_refused(log, rating):
    with pytest.raises(errors.RatingOutOfRange) as refused:
        log(goals=[("goal-1", 0), ("goal-2", rating)])

    assert refused.value.field == "goals[1].rating"


def test_a_rated_goal_needs_a_valid_id(log):
    with pytest.raises(errors.InvalidIdentifier) as refused:
        log(goals=[("", 1)])

    assert refused.value.field == "goals[0].goal_id"


def test_a_goal_is_rated_once_per_session(log):
    with pytest.raises(errors.DuplicateGoalInSession) as refused:
        log(goals=[("goal-1", 1), ("goal-2", 0), ("goal-1", 2)])

    assert (refused.value.kind, refused.value.field) == ("invalid", "goals[2].goal_id")


@pytest.mark.parametrize("scores", [
    {"phq9": 0, "gad7": 0}, {"phq9": 27, "phq9_item9": 3, "gad7": 21},
])
def test_scores_at_the_ends_of_their_scales_are_accepted(log, scores):
    [logged] = log(**scores)

    assert logged.measures == SessionMeasures(**{"phq9": None, "phq9_item9": None, "gad7": None, **scores})


@pytest.mark.parametrize("field, score", [
    ("phq9", -1), ("phq9", 28), ("gad7", -1), ("gad7", 22), ("phq9", 9.5), ("gad7", False),
])
def test_a_total_outside_its_scale_is_refused(log, field, score):
    with pytest.raises(errors.ScoreOutOfRange) as refused:
        log(**{field: score})

    assert refused.value.field == f"measures.{field}"


@pytest.mark.parametrize("item9", [-1, 4])
def test_phq9_item9_is_scored_from_zero_to_three(log, item9):
    with pytest.raises(errors.ScoreOutOfRange) as refused:
        log(phq9=20, phq9_item9=item9)

    assert refused.value.field == "measures.phq9_item9"


def test_phq9_item9_comes_only_with_the_phq9_total(log):
    with pytest.raises(errors.Item9WithoutPhq9) as refused:
        log(phq9_item9=1, gad7=5)

    assert refused.value.field == "measures.phq9_item9"


def test_phq9_item9_cannot_exceed_the_phq9_total(log):
    with pytest.raises(errors.Item9ExceedsPhq9) as refused:
        log(phq9=2, phq9_item9=3)

    assert refused.value.field == "measures.phq9_item9"


@pytest.mark.parametrize("attendance", NOT_ATTENDED)
def test_a_missed_session_may_list_its_goals_without_ratings(log, attendance):
    [logged] = log(attendance=attendance, goals=[("goal-1", None)])

    assert logged.goals == (GoalRating("goal-1", None),)
    assert logged.measures == SessionMeasures(None, None, None)


@pytest.mark.parametrize("attendance", NOT_ATTENDED)
def test_a_missed_session_carries_no_ratings(log, attendance):
    with pytest.raises(errors.NotAttended) as refused:
        log(attendance=attendance, goals=[("goal-1", None), ("goal-2", 1)])

    assert refused.value.field == "goals[1].rating"


@pytest.mark.parametrize("attendance", NOT_ATTENDED)
@pytest.mark.parametrize("field", ["phq9", "gad7"])
def test_a_missed_session_carries_no_scores(log, attendance, field):
    with pytest.raises(errors.NotAttended) as refused:
        log(attendance=attendance, **{field: 5})

    assert refused.value.field == f"measures.{field}"


def test_no_events_means_no_session():
    assert fold([]) is None


def test_a_logged_session_holds_what_was_logged_at_version_one(log, noon):
    tomorrow = noon + timedelta(days=1)
    [logged] = log(attendance="no-show", goals=[("goal-1", None)], next_session_at=tomorrow)

    session = fold([logged])

    assert session == Session(
        session_id="session-1", client_id="client-1", clinician_id="clinician-1",
        occurred_at=noon, duration_minutes=50, attendance="no-show", modality="video",
        goals=(GoalRating("goal-1", None),), measures=SessionMeasures(None, None, None),
        next_session_at=tomorrow, version=1,
    )
    assert not session.attended


def test_an_attended_session_says_so(log):
    assert fold(log()).attended
