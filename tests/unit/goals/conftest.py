"""Builders for the goals domain tests: a clinic day, a goal, a session."""

from datetime import date, datetime, timedelta, timezone
from itertools import count

import pytest

from shared.contract.events import GoalCreated, GoalStatusChanged
from services.goals.domain.goal import apply, fold
from services.goals.domain.goal_creation import create_goal
from services.goals.domain.session import log_session

TODAY = date(2025, 3, 10)
NOON = datetime(2025, 3, 10, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def today():
    return TODAY


@pytest.fixture
def noon():
    return NOON


def sequential_ids(prefix="m"):
    numbers = count(1)
    return lambda: f"{prefix}-{next(numbers)}"


@pytest.fixture
def create():
    """create_goal with sensible inputs; keyword arguments override them."""

    def create_with(**overrides):
        inputs = dict(
            goal_id="goal-1",
            client_id="client-1",
            clinician_id="clinician-1",
            title="Speak up in team meetings",
            description="",
            category="anxiety",
            priority=None,
            target_date=TODAY + timedelta(days=90),
            today=TODAY,
            new_id=sequential_ids(),
        )
        return create_goal(**{**inputs, **overrides})

    return create_with


@pytest.fixture
def open_goal(create):
    """An active goal with one planned milestone, m-1."""
    return fold(create(milestones=[{"title": "Ask one question", "due_date": TODAY}]))


@pytest.fixture
def goal_in():
    """A goal in the given lifecycle status, built from its events."""

    def goal_with(lifecycle_status, achievement_status="in-progress"):
        created = GoalCreated(
            goal_id="goal-1", client_id="client-1", clinician_id="clinician-1",
            title="Sleep seven hours", description="", category="other", priority="low",
            measure=None, target_date=TODAY, lifecycle_status=lifecycle_status,
            achievement_status=achievement_status, milestones=(), gas_levels=None, practice_rrule=None,
        )
        return fold([created])

    return goal_with


@pytest.fixture
def closed(open_goal):
    """The open goal after it moved to the given (terminal) lifecycle status."""

    def closed_as(lifecycle_status):
        changed = GoalStatusChanged("goal-1", "client-1", lifecycle_status, "not-achieved", "other")
        return apply(open_goal, changed)

    return closed_as


@pytest.fixture
def log():
    """log_session for an attended video session; keyword arguments override."""

    def log_with(**overrides):
        inputs = dict(
            session_id="session-1",
            client_id="client-1",
            clinician_id="clinician-1",
            occurred_at=NOON,
            duration_minutes=50,
            attendance="attended",
            modality="video",
        )
        return log_session(**{**inputs, **overrides})

    return log_with
