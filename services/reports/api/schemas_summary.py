"""Response schemas of the clinician and clinic reports."""
from __future__ import annotations

from marshmallow import Schema, fields

from services.reports.api.schema_fields import COUNT, RATE, when
from services.reports.api.schemas import OutcomeSchema


class CaseloadClientSchema(OutcomeSchema):
    client_id = fields.String()
    goals_total = COUNT("This clinician's goals with the client")
    goals_active = COUNT()
    sessions_attended = COUNT("Sessions with this clinician")
    sessions_missed = COUNT()
    attendance_rate = RATE("attended / (attended + missed)")
    last_session_at = when("Latest session with this clinician")
    phq9_latest = fields.Integer(allow_none=True)
    phq9_band = fields.String(allow_none=True)
    gad7_latest = fields.Integer(allow_none=True)
    gad7_band = fields.String(allow_none=True)


class ImprovementSchema(Schema):
    clients_with_paired_scores = COUNT("Clients with PHQ-9 or GAD-7 taken at least twice")
    clients_reliably_improved = COUNT()
    reliable_improvement_share = RATE("reliably improved / with paired scores; null when none")


class ClinicianReportSchema(ImprovementSchema):
    clinician_id = fields.String()
    clients_total = COUNT()
    goals_total = COUNT("Goals set by this clinician, not counting those entered in error")
    goals_active = COUNT()
    goals_by_status = fields.Dict(keys=fields.String(), values=fields.Integer())
    sessions_attended = COUNT()
    sessions_missed = COUNT()
    attendance_rate = RATE("attended / (attended + missed)")
    clients = fields.List(fields.Nested(CaseloadClientSchema))


class MonthLineSchema(Schema):
    month = fields.String(metadata={"description": "YYYY-MM (UTC)"})
    goals_set = COUNT()
    goals_achieved = COUNT("Goals first achieved (or sustaining) in the month")
    sessions_attended = COUNT()
    sessions_missed = COUNT()
    attendance_rate = RATE("attended / (attended + missed)")
    clients_seen = COUNT("Clients with a logged session in the month")


class CategoryLineSchema(ImprovementSchema):
    category = fields.String()
    goals_set = COUNT()
    goals_achieved = COUNT()


class ClinicReportSchema(ImprovementSchema):
    from_ = fields.String(data_key="from", attribute="from", metadata={"description": "First month, YYYY-MM"})
    to = fields.String(metadata={"description": "Last month, YYYY-MM"})
    goals_set = COUNT()
    goals_achieved = COUNT()
    sessions_attended = COUNT()
    sessions_missed = COUNT()
    attendance_rate = RATE("attended / (attended + missed)")
    clients_seen = COUNT("Clients with a logged session in the period")
    clients_measured = COUNT("Clients whose latest PHQ-9/GAD-7 in the period")
    clients_reliably_deteriorated = COUNT()
    clients_at_caseness_first = COUNT("Clients for whom recovery applies")
    clients_recovered = COUNT()
    recovery_rate = RATE("recovered / at caseness first; null when none")
    months = fields.List(fields.Nested(MonthLineSchema))
    categories = fields.List(fields.Nested(CategoryLineSchema), metadata={"description": "Per goal category"})
