"""Two reports workers in one consumer group: the clinic and caseload figures stay exact.

The clinic aggregates (``clinic_month``, ``clinic_spans``) are written from every
partition, so the two workers update the same documents at once; each update is
one atomic ``$inc`` guarded by its records' positions (one offset per partition),
so none is lost and none counts twice, and the documents equal a full replay.
"""
import contextlib

import pytest
from reports_kit import wait_members

from services.reports.projection import reports_projection
from services.reports.rebuild import verify
from services.reports.service import ReportsService
from tests.support import publish, running_projection, wait_caught_up
from tests.unit.reports.reports_builders import Story, weeks

pytestmark = pytest.mark.integration

CLIENTS, SESSIONS = 40, 10


def busy_clinic() -> list:
    events = []
    for n in range(CLIENTS):
        story = Story(clinic="clinic-busy", client=f"client-{n:02d}", clinician="clinician-shared")
        story.goal(f"goal-{n:02d}")
        for s in range(SESSIONS):
            story.session(f"session-{n:02d}-{s}", weeks(s), attendance="no-show" if s == 0 else "attended",
                          ratings={f"goal-{n:02d}": 0} if s else None)
        events += story.events
    return events


def test_two_workers_lose_no_session_of_a_shared_clinician_or_clinic(reports_settings, reports_db):
    projection = reports_projection()
    with contextlib.ExitStack() as workers:
        for _ in range(2):
            workers.enter_context(running_projection(projection, reports_settings, reports_db))
        wait_members(reports_settings, projection, 2)  # both workers hold partitions before the events come
        publish(reports_settings, busy_clinic())
        wait_caught_up(reports_settings, projection)
    reports = ReportsService(reports_db)
    caseload = reports.clinician_report("clinic-busy", "clinician-shared")
    assert (caseload["clients_total"], caseload["goals_total"]) == (CLIENTS, CLIENTS)
    assert (caseload["sessions_attended"], caseload["sessions_missed"]) == (CLIENTS * (SESSIONS - 1), CLIENTS)
    clinic = reports.clinic_report("clinic-busy", "2025-01", "2025-06")
    assert (clinic["sessions_attended"], clinic["sessions_missed"]) == (CLIENTS * (SESSIONS - 1), CLIENTS)
    assert (clinic["goals_set"], clinic["clients_seen"]) == (CLIENTS, CLIENTS)
    assert sum(month["clients_seen"] for month in clinic["months"]) == CLIENTS * 3  # Jan, Feb, Mar: 10 weekly sessions
    assert verify(projection, reports_settings, reports_db, progress=lambda done, total: None) == []
