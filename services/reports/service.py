"""The report use cases: load the documents (store/), compute the report (domain/).

Every report is of the caller's clinic: an id the clinic does not know is not
found, whichever clinic it belongs to (domain/errors.py).
"""
from __future__ import annotations

from services.reports.domain.client_report import client_view, goal_ids
from services.reports.domain.clinic_report import clinic_view
from services.reports.domain.clinician_report import clinician_view
from services.reports.domain.errors import ClientReportNotFound, ClinicianReportNotFound, GoalReportNotFound
from services.reports.domain.goal_report import goal_view, is_goal
from services.reports.domain.months import month_range
from services.reports.store import reads


class ReportsService:
    def __init__(self, db):
        self.db = db

    def goal_report(self, clinic_id: str, goal_id: str) -> dict:
        document = reads.goal_document(self.db, clinic_id, goal_id)
        if not is_goal(document):
            raise GoalReportNotFound()
        return goal_view(document)

    def client_report(self, clinic_id: str, client_id: str) -> dict:
        summary = reads.client_summary(self.db, clinic_id, client_id)
        if summary is None:
            raise ClientReportNotFound()
        goals = [document for document in reads.goal_documents(self.db, clinic_id, goal_ids(summary))
                 if is_goal(document)]
        return client_view(summary, goals)

    def clinician_report(self, clinic_id: str, clinician_id: str) -> dict:
        """Not found when the clinician has no goal nor session in this clinic."""
        summaries = reads.caseload(self.db, clinic_id, clinician_id)
        if not summaries:
            raise ClinicianReportNotFound()
        return clinician_view(clinician_id, summaries)

    def clinic_report(self, clinic_id: str, first: str, last: str) -> dict:
        """The clinic's figures per month from `first` to `last` ('YYYY-MM', both included)."""
        months = month_range(first, last)
        return clinic_view(months, *reads.clinic_documents(self.db, clinic_id, months))
