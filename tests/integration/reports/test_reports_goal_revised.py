"""goal-revised through the real consumer runtime and Kafka: the goal report shows the goal's latest revision."""
import pytest

from services.reports.app import create_app
from services.reports.projection import reports_projection
from shared.web.auth import mint_token
from tests.support import publish, running_projection, wait_caught_up
from tests.unit.reports.reports_builders import Story, weeks

pytestmark = pytest.mark.integration

CLINIC = "clinic-revised"
SUDS = {"name": "Subjective units of distress", "baseline": 80.0, "target": 30.0, "unit": "SUDS"}
LEVELS = {"-2": "Stays home", "-1": "Walks to the stop", "0": "Rides one stop", "1": "Rides to work once a week",
          "2": "Rides to work twice a week"}
RAISED = {**LEVELS, "1": "Rides to work twice a week", "2": "Rides to work three days a week"}


@pytest.fixture(scope="module")
def projector(reports_settings, reports_db):
    projection = reports_projection()
    with running_projection(projection, reports_settings, reports_db):
        yield projection


@pytest.fixture(scope="module")
def goal_report(reports_settings, reports_db):
    api = create_app(reports_settings, reports_db).test_client()
    token = mint_token(reports_settings.jwt_secret, "clinician-1", CLINIC, "clinician")

    def read(goal_id: str) -> dict:
        response = api.get(f"/v1/reports/goals/{goal_id}", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200
        return response.json
    return read


def test_the_goal_report_shows_the_revised_facts_and_reads_its_rating_on_the_revised_levels(
        projector, reports_settings, goal_report):
    story = Story(clinic=CLINIC, client="client-1")
    story.goal("goal-1", measure=SUDS, gas_levels=LEVELS, title="Take the bus to work twice a week")
    story.session("session-1", weeks(1), ratings={"goal-1": 1})
    story.revise("goal-1", weeks(2), title="Ride the bus to work three days a week", priority="high",
                 target_date="2025-06-30", gas_levels=RAISED)
    publish(reports_settings, story.events)
    wait_caught_up(reports_settings, projector)
    report = goal_report("goal-1")
    assert (report["title"], report["priority"], report["target_date"]) == (
        "Ride the bus to work three days a week", "high", "2025-06-30")
    assert report["gas_levels"] == RAISED and report["latest_rating_level"] == "Rides to work twice a week"
    assert report["measure"] == SUDS  # not revised: as the goal was created
    assert (report["latest_rating"], report["lifecycle_status"]) == (1, "active")


def test_revisions_apply_in_order_and_a_redelivered_older_one_changes_nothing(projector, reports_settings, goal_report):
    story = Story(clinic=CLINIC, client="client-2")
    story.goal("goal-2", measure=SUDS, gas_levels=LEVELS)
    first = story.revise("goal-2", weeks(1), target_date=None, measure=None, gas_levels=None)
    second = story.revise("goal-2", weeks(2), target_date="2025-09-01", priority="low")
    publish(reports_settings, story.events)
    wait_caught_up(reports_settings, projector)
    latest = goal_report("goal-2")
    assert (latest["target_date"], latest["priority"], latest["measure"], latest["gas_levels"]) == (
        "2025-09-01", "low", None, None)
    publish(reports_settings, [first, second, first])  # the relay may publish again, in any order
    wait_caught_up(reports_settings, projector)
    assert goal_report("goal-2") == latest
