"""The reports API on a real store: auth, tenancy, bad input, JSON figures, CSV, audit, dashboard page."""
import csv
import io
import logging
from datetime import datetime, timezone

import pytest

from services.reports.app import create_app
from services.reports.projection import reports_projection
from shared.web.auth import mint_token
from tests.unit.reports.reports_builders import Story, apply_events, weeks

pytestmark = pytest.mark.integration

CLINIC, OTHER = "clinic-api", "clinic-other"
MARCH = datetime(2025, 3, 3, 9, tzinfo=timezone.utc)


def stories():
    story = Story(clinic=CLINIC, client="client-1", clinician="clinician-1")
    story.goal("goal-1", at=MARCH, milestones=2, title="=cmd|' /C calc'!A0")
    story.goal("goal-2", at=MARCH, category="depression", title="Sleep before midnight")
    story.reach("goal-1", "goal-1-m1", weeks(1, MARCH))
    story.session("session-1", weeks(1, MARCH), ratings={"goal-1": 1, "goal-2": 1}, phq9=16, gad7=12, item9=0)
    story.session("session-2", weeks(5, MARCH), ratings={"goal-1": 2, "goal-2": 0}, phq9=8, gad7=6, item9=0)
    story.session("session-3", weeks(6, MARCH), attendance="no-show")
    story.status("goal-1", weeks(5, MARCH), "completed", "achieved")
    other = Story(clinic=OTHER, client="client-9", clinician="clinician-9")
    other.goal("goal-9", at=MARCH)
    return story.events + other.events


@pytest.fixture(scope="module")
def client(reports_settings, reports_db):
    apply_events(reports_projection(), reports_db, stories())
    return create_app(reports_settings, reports_db).test_client()


@pytest.fixture(scope="module")
def auth(reports_settings):
    def header(role="clinician", clinic=CLINIC, sub="clinician-1"):
        return {"Authorization": "Bearer " + mint_token(reports_settings.jwt_secret, sub, clinic, role)}
    return header


PATHS = ["/v1/reports/goals/goal-1", "/v1/reports/clients/client-1", "/v1/reports/clinicians/clinician-1",
         "/v1/reports/clinic?from=2025-01&to=2025-06"]


@pytest.mark.parametrize("path", PATHS)
def test_every_report_needs_a_valid_bearer_token(client, path):
    for headers in ({}, {"Authorization": "Bearer not-a-jwt"}):
        response = client.get(path, headers=headers)
        assert response.status_code == 401 and response.json["code"] == 401


@pytest.mark.parametrize("path", PATHS)
def test_partners_may_not_read_reports(client, auth, path):
    response = client.get(path, headers=auth(role="partner"))
    assert response.status_code == 403 and response.is_json


@pytest.mark.parametrize("role", ["clinician", "clinic_admin"])
@pytest.mark.parametrize("path", PATHS)
def test_staff_read_every_report(client, auth, path, role):
    response = client.get(path, headers=auth(role=role))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path, field, kind", [("/v1/reports/goals/goal-9", "goal_id", "goal"),
                                               ("/v1/reports/clients/client-9", "client_id", "client"),
                                               ("/v1/reports/clinicians/clinician-9", "clinician_id", "clinician"),
                                               ("/v1/reports/goals/no-such-goal", "goal_id", "goal")])
def test_another_clinics_report_is_not_found(client, auth, path, field, kind):
    response = client.get(path, headers=auth())
    message = f"No {kind} report for this id in your clinic"
    assert response.status_code == 404
    assert response.json == {"code": 404, "status": "Not Found", "message": message, "errors": {field: [message]}}
    assert response.headers["Cache-Control"] == "no-store"


def test_the_clinic_report_only_counts_the_callers_clinic(client, auth):
    mine = client.get("/v1/reports/clinic?from=2025-03&to=2025-03", headers=auth()).json
    theirs = client.get("/v1/reports/clinic?from=2025-03&to=2025-03", headers=auth(clinic=OTHER)).json
    assert (mine["goals_set"], theirs["goals_set"]) == (2, 1)
    assert theirs["sessions_attended"] == 0


@pytest.mark.parametrize("query, fields", [("format=xml", "format"), ("from=2025-13", "from"), ("to=25-01", "to"),
                                           ("from=2025-05&to=2025-04", "to"), ("from=2019-01&to=2025-01", "from"),
                                           ("to=0000-01", "to"), ("to=0001-01", "to"), ("to=2200-01", "to"),
                                           ("from=9999-12&to=9999-12", "from to"), ("from=1899-12&to=1900-01", "from")])
def test_bad_query_arguments_answer_422_naming_the_field(client, auth, query, fields):
    response = client.get(f"/v1/reports/clinic?{query}", headers=auth())
    assert response.status_code == 422
    assert sorted(response.json["errors"]) == fields.split()


@pytest.mark.parametrize("query", ["to=1900-01", "from=2199-12&to=2199-12"])
def test_the_first_and_last_months_of_the_supported_years_have_a_report(client, auth, query):
    assert client.get(f"/v1/reports/clinic?{query}", headers=auth()).status_code == 200


@pytest.mark.parametrize("path", ["/v1/reports/clinic?from=2025-03&too=2025-04", "/v1/reports/goals/goal-1?fromat=csv"])
def test_an_unknown_query_parameter_answers_422_naming_it(client, auth, path):
    response = client.get(path, headers=auth())
    assert response.status_code == 422
    assert list(response.json["errors"]) == [path.rpartition("&")[2].partition("=")[0].rpartition("?")[2]]


def test_the_goal_report_has_the_thin_slice_fields(client, auth):
    report = client.get("/v1/reports/goals/goal-1", headers=auth()).json
    assert {k: report[k] for k in ("goal_id", "client_id", "lifecycle_status", "achievement_status",
                                   "milestones_total", "milestones_reached")} == {
        "goal_id": "goal-1", "client_id": "client-1", "lifecycle_status": "completed",
        "achievement_status": "achieved", "milestones_total": 2, "milestones_reached": 1}
    assert report["milestones"][0]["days_to_reach"] == 7
    assert [r["rating"] for r in report["ratings"]] == [1, 2]


def test_the_client_report_names_its_figures(client, auth):
    report = client.get("/v1/reports/clients/client-1", headers=auth()).json
    assert (report["sessions_attended"], report["sessions_missed"], report["attendance_rate"]) == (2, 1, 0.6667)
    assert report["phq9"]["band"] == "mild" and report["gad7"]["change"] == -6
    assert (report["reliable_improvement"], report["recovery"]) == (True, True)
    assert report["gas_t_score"] == 62.4  # latest ratings +2 and 0: 50 + 10 * 2 / sqrt(0.7 * 2 + 0.3 * 4)
    assert report["goals_by_status"] == {"completed": 1, "active": 1}


def test_the_clinic_report_counts_goals_set_and_achieved_per_month(client, auth):
    report = client.get("/v1/reports/clinic?from=2025-03&to=2025-04", headers=auth()).json
    assert [(m["month"], m["goals_set"], m["goals_achieved"], m["sessions_attended"], m["sessions_missed"])
            for m in report["months"]] == [("2025-03", 2, 0, 1, 0), ("2025-04", 0, 1, 1, 1)]
    assert (report["clients_reliably_improved"], report["reliable_improvement_share"]) == (1, 1.0)


def read_csv(response):
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_a_report_downloads_as_csv_by_query_or_accept_header(client, auth):
    by_query = client.get("/v1/reports/goals/goal-1?format=csv", headers=auth())
    by_accept = client.get("/v1/reports/goals/goal-1", headers={**auth(), "Accept": "text/csv"})
    for response in (by_query, by_accept):
        assert response.mimetype == "text/csv"
        assert response.headers["Content-Disposition"] == 'attachment; filename="goal-goal-1.csv"'
    rows = read_csv(by_query)
    assert [row["milestone_id"] for row in rows] == ["goal-1-m1", "goal-1-m2"]
    assert rows[0]["title"].startswith("'=")  # a title that looks like a formula stays text


@pytest.mark.parametrize("path, rows", [("/v1/reports/clients/client-1", 2), ("/v1/reports/clinicians/clinician-1", 1),
                                        ("/v1/reports/clinic?from=2025-03&to=2025-04", 2 + 1 + 8)])
def test_each_report_has_a_csv_table(client, auth, path, rows):
    response = client.get(path + ("&" if "?" in path else "?") + "format=csv", headers=auth())
    assert response.status_code == 200 and len(read_csv(response)) == rows


def test_every_read_is_audited_without_personal_data(client, auth, caplog):
    with caplog.at_level(logging.INFO, logger="audit"):
        client.get("/v1/reports/clients/client-1?format=csv", headers=auth(role="clinic_admin", sub="admin-7"))
        client.get("/v1/reports/goals/goal-9", headers=auth(sub="admin-7"))
    records = [r for r in caplog.records if r.name == "audit"]
    assert [(r.actor, r.role, r.clinic_id, r.report, r.format, r.found) for r in records] == [
        ("admin-7", "clinic_admin", CLINIC, "client", "csv", True), ("admin-7", "clinician", CLINIC, "goal", "json", False)]
    assert records[0].client_id == "client-1" and records[1].goal_id == "goal-9"
    assert not any("Sleep" in str(vars(r)) or "calc" in str(vars(r)) for r in caplog.records)


def test_the_dashboard_page_needs_no_token_and_runs_only_its_own_script(client):
    page = client.get("/dashboard")
    assert page.status_code == 200 and "Progress dashboard" in page.get_data(as_text=True)
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert client.get("/dashboard/static/dashboard.js").status_code == 200


def test_the_openapi_document_offers_csv_for_every_report(client):
    paths = client.get("/openapi.json").json["paths"]
    for path in ("/v1/reports/goals/{goal_id}", "/v1/reports/clients/{client_id}",
                 "/v1/reports/clinicians/{clinician_id}", "/v1/reports/clinic"):
        assert set(paths[path]["get"]["responses"]["200"]["content"]) == {"application/json", "text/csv"}


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_a_method_a_report_does_not_have_answers_405_json_with_allow(client, auth, method):
    response = getattr(client, method)("/v1/reports/clinic", headers=auth())

    assert response.status_code == 405 and response.is_json and response.json["code"] == 405
    assert "GET" in {name.strip() for name in response.headers["Allow"].split(",")}


def test_a_report_query_with_a_body_nested_1000_deep_answers_400_naming_the_body(client, auth):
    response = client.get("/v1/reports/clinic", data="[" * 1000 + "]" * 1000, content_type="application/json",
                          headers=auth())

    assert response.status_code == 400 and "body" in response.json["errors"]
