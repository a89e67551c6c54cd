"""CSV export cells and rows, month ranges, and the comparison of `rebuild --verify` (no store)."""
from datetime import date, datetime, timezone

import pytest
from flask import Flask

from services.reports.api.clinic_reports import clinic_rows
from services.reports.api.csv_export import cell, csv_response
from services.reports.api.goal_reports import goal_rows
from services.reports.domain.months import month_end, month_range, parse_month
from services.reports.rebuild import differences


def test_cells_are_plain_text_a_spreadsheet_reads_back():
    assert [cell(None), cell(True), cell(0.75), cell(-1)] == ["", "true", "0.75", "-1"]
    assert cell(datetime(2025, 1, 2, 3, 4, tzinfo=timezone.utc)) == "2025-01-02T03:04:00+00:00"
    assert cell(date(2025, 1, 2)) == "2025-01-02"


def test_a_title_that_looks_like_a_formula_is_neutralised():
    assert cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert cell("-2 panic attacks") == "'-2 panic attacks"
    assert cell("Speak up") == "Speak up"


def test_the_csv_file_is_a_utf8_attachment_with_a_header_row():
    with Flask(__name__).test_request_context():
        response = csv_response("goal-a:b.csv", ["title", "n"], [{"title": "Café ≥ 2", "n": 1}, {"n": None}])
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="goal-a_b.csv"'
    assert response.get_data().decode("utf-8") == "\ufefftitle,n\r\nCafé ≥ 2,1\r\n,\r\n"


def test_a_goal_exports_one_row_per_milestone():
    report = {"goal_id": "g1", "title": "Speak up", "milestones": [
        {"milestone_id": "m1", "title": "Ask", "due_date": "2025-01-10", "reached_at": None},
        {"milestone_id": "m2", "title": "Lead", "due_date": "2025-02-10", "reached_at": None}]}
    columns, rows = goal_rows(report)
    assert [row["milestone_title"] for row in rows] == ["Ask", "Lead"]
    assert all(row["goal_id"] == "g1" and row["title"] == "Speak up" for row in rows)
    assert columns.index("goal_id") == 0


def test_the_clinic_exports_months_then_the_period_then_categories():
    line = {"goals_set": 1}
    report = {"from": "2025-01", "to": "2025-02", **line, "months": [{**line, "month": "2025-01"},
                                                                     {**line, "month": "2025-02"}],
              "categories": [{**line, "category": "anxiety"}]}
    _, rows = clinic_rows(report)
    assert [(row["period"], row["category"]) for row in rows] == [
        ("2025-01", "all"), ("2025-02", "all"), ("2025-01..2025-02", "all"), ("2025-01..2025-02", "anxiety")]


def test_month_ranges_include_both_ends_and_cross_years():
    assert month_range("2024-11", "2025-02") == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert month_end("2024-12") == datetime(2025, 1, 1, tzinfo=timezone.utc)
    with pytest.raises(ValueError):
        parse_month("2025-13")


def test_verify_ignores_the_idempotency_bookkeeping():
    live = [{"_id": "a", "n": 1, "applied": {"goal-1": 3}}]
    replayed = [{"_id": "a", "n": 1, "applied": {"goal-1": 1}}]
    assert differences("goal_progress", live, replayed) == []


def test_verify_names_the_documents_and_fields_that_differ_but_not_their_values():
    live = [{"_id": "a", "n": 1, "m": {"x": 1, "y": 2}}, {"_id": "b"}]
    replayed = [{"_id": "a", "n": 2, "m": {"x": 1, "y": 3}}, {"_id": "c"}]
    assert differences("client_summary", live, replayed) == [
        "client_summary b: only in the live collection",
        "client_summary c: missing from the live collection",
        "client_summary a: differs at m.y, n",
    ]
