"""The OpenAPI documents state the rules the servers enforce (the fuzz finds any they miss; these pin each one)."""
import pytest

from services.goals.app import create_app as goals_app
from services.reminders.app import create_app as reminders_app
from services.reports.app import create_app as reports_app

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def documents(base_env):
    return {name: create_app().test_client().get("/openapi.json").json
            for name, create_app in (("goals", goals_app), ("reminders", reminders_app), ("reports", reports_app))}


def schema(document: dict, name: str) -> dict:
    return document["components"]["schemas"][name]


def test_texts_the_domain_refuses_when_blank_are_documented_as_not_blank(documents):
    goal = schema(documents["goals"], "GoalRequest")["properties"]

    assert goal["title"]["pattern"] == goal["practice_rrule"]["pattern"] == r"\S"
    assert "pattern" not in goal["description"]


def test_dates_are_documented_within_the_years_the_server_takes(documents):
    goal = schema(documents["goals"], "GoalRequest")["properties"]
    reports = {p["name"]: p["schema"] for p in documents["reports"]["paths"]["/v1/reports/clinic"]["get"]["parameters"]}

    assert goal["target_date"]["pattern"].startswith("^(19")
    assert "date-in-the-past" in goal["target_date"]["description"]
    assert reports["from"]["pattern"] == reports["to"]["pattern"] == r"^(19\d\d|2[01]\d\d)-(0[1-9]|1[0-2])$"


def test_a_snooze_takes_exactly_one_of_minutes_and_until(documents):
    assert schema(documents["reminders"], "SnoozeRequest")["oneOf"] == [{"required": ["minutes"]},
                                                                        {"required": ["until"]}]


@pytest.mark.parametrize("service, path", [("goals", "/v1/goals/{goal_id}"),
                                           ("reminders", "/v1/clients/{client_id}/preferences"),
                                           ("reports", "/v1/reports/clients/{client_id}")])
def test_path_parameters_are_documented_as_ids(documents, service, path):
    [parameter] = documents[service]["paths"][path]["parameters"]

    assert parameter["schema"]["pattern"] == "^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"


def test_a_nullable_nested_object_is_documented_as_that_object_or_null(documents):
    measure = schema(documents["goals"], "GoalRequest")["properties"]["measure"]

    assert measure["anyOf"] == [{"$ref": "#/components/schemas/Measure"},
                                {"type": "object", "nullable": True, "enum": [None]}]
