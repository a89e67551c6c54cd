"""Response schemas of the reports API (what each field is, for the OpenAPI document)."""
from __future__ import annotations

from marshmallow import Schema, fields

from shared.contract import vocabulary as v


def described(field_class, description: str, **options):
    return field_class(metadata={"description": description}, **options)


def when(description: str) -> fields.DateTime:
    return fields.DateTime(allow_none=True, metadata={"description": description + " (UTC)"})


def COUNT(description: str | None = None) -> fields.Integer:  # noqa: N802 - reads like a type
    return fields.Integer(metadata={"description": description} if description else {})


def RATE(description: str) -> fields.Float:  # noqa: N802
    return fields.Float(allow_none=True, metadata={"description": description + " (0..1, 4 decimals)"})


class MilestoneReportSchema(Schema):
    milestone_id = fields.String()
    title = fields.String(allow_none=True, metadata={"description": "Personal data (staff only)"})
    due_date = fields.Date(allow_none=True)
    reached_at = when("When it was reached (null: not yet)")
    days_to_reach = fields.Integer(allow_none=True, metadata={
        "description": "Calendar days (UTC) from when the milestone was set to when it was reached"})
    reached_on_time = fields.Boolean(allow_none=True, metadata={"description": "Reached on or before its due date"})


class RatingSchema(Schema):
    at = when("When the rating session took place")
    rating = fields.Integer(metadata={"description": "GAS attainment -2..+2 (0 = the expected outcome)"})
    session_id = fields.String()


class StatusChangeSchema(Schema):
    at = when("When the status changed")
    lifecycle_status = fields.String()
    achievement_status = fields.String()
    reason = fields.String()


class GoalLineSchema(Schema):
    goal_id = fields.String()
    title = fields.String(allow_none=True, metadata={"description": "Personal data (staff only)"})
    category = fields.String(allow_none=True, metadata={"enum": list(v.CATEGORIES)})
    lifecycle_status = fields.String(allow_none=True, metadata={"enum": list(v.LIFECYCLE_STATUSES)})
    achievement_status = fields.String(allow_none=True, metadata={"enum": list(v.ACHIEVEMENT_STATUSES)})
    target_date = fields.Date(allow_none=True)
    milestones_total = COUNT()
    milestones_reached = COUNT()
    latest_rating = fields.Integer(allow_none=True, metadata={"description": "Latest GAS rating -2..+2"})
    latest_rating_at = when("When the latest rating was given")
    milestones = fields.List(fields.Nested(MilestoneReportSchema))


class GoalMeasureSchema(Schema):
    name = fields.String(metadata={"description": "What is measured. Personal data (staff only)"})
    baseline = fields.Float()
    target = fields.Float()
    unit = fields.String(allow_none=True)


class GoalReportSchema(GoalLineSchema):
    client_id = fields.String()
    clinician_id = fields.String()
    priority = fields.String(allow_none=True, metadata={"enum": list(v.PRIORITIES)})
    measure = fields.Nested(GoalMeasureSchema, allow_none=True, metadata={
        "description": "How progress toward the goal is measured (latest revision); null when none was set"})
    gas_levels = fields.Dict(keys=fields.String(), values=fields.String(), allow_none=True, metadata={
        "description": "What each GAS attainment -2..+2 means for this goal (keys \"-2\"..\"2\"; latest revision). "
                       "Personal data (staff only)"})
    latest_rating_level = fields.String(allow_none=True, metadata={
        "description": "The level of the latest rating on the goal's GAS levels; null without either"})
    created_at = when("When the goal was set")
    achieved_at = when("When the goal first counted as achieved (achieved or sustaining)")
    ratings = fields.List(fields.Nested(RatingSchema), metadata={"description": "Rating history, oldest first"})
    status_history = fields.List(fields.Nested(StatusChangeSchema))


class SeriesPointSchema(Schema):
    at = when("When the session took place")
    score = fields.Integer()
    band = fields.String(metadata={"description": "Severity band of the score"})
    item9 = fields.Integer(allow_none=True, metadata={
        "description": "PHQ-9 item 9 (thoughts of self-harm) 0..3; above 0 needs same-day attention"})


class MeasureSchema(Schema):
    series = fields.List(fields.Nested(SeriesPointSchema), metadata={"description": "One point per session, in time order"})
    count = COUNT()
    first = fields.Integer(allow_none=True, metadata={"description": "First score"})
    latest = fields.Integer(allow_none=True, metadata={"description": "Latest score"})
    change = fields.Integer(allow_none=True, metadata={"description": "latest - first (negative: fewer symptoms)"})
    band = fields.String(allow_none=True, metadata={"description": "Severity band of the latest score"})
    first_at = when("When the first score was taken")
    latest_at = when("When the latest score was taken")


class OutcomeSchema(Schema):
    """NHS Talking Therapies outcome flags, first measurement to latest."""
    has_paired_scores = described(fields.Boolean, "PHQ-9 or GAD-7 taken at least twice")
    reliable_improvement = described(fields.Boolean, "PHQ-9 fell by >= 6 or GAD-7 by >= 4, neither rose as much")
    reliable_deterioration = described(fields.Boolean, "PHQ-9 rose by >= 6 or GAD-7 by >= 4, neither fell as much")
    recovery = described(fields.Boolean, "At caseness first (PHQ-9 >= 10 or GAD-7 >= 8), below both at the latest; "
                                         "null when not at caseness first or without paired scores", allow_none=True)
    reliable_recovery = described(fields.Boolean, "Recovery and reliable improvement", allow_none=True)


class ClientReportSchema(OutcomeSchema):
    client_id = fields.String()
    goals_total = COUNT("Goals, not counting those entered in error")
    goals_by_status = fields.Dict(keys=fields.String(), values=fields.Integer(),
                                  metadata={"description": "Goals per lifecycle status"})
    goals_by_achievement_status = fields.Dict(keys=fields.String(), values=fields.Integer())
    goals = fields.List(fields.Nested(GoalLineSchema))
    sessions_attended = COUNT()
    sessions_missed = COUNT("No-shows and late cancellations")
    attendance_rate = RATE("attended / (attended + missed); null without sessions")
    first_session_at = when("First logged session")
    last_session_at = when("Latest logged session")
    phq9 = fields.Nested(MeasureSchema, metadata={"description": "PHQ-9 (depression, 0-27)"})
    gad7 = fields.Nested(MeasureSchema, metadata={"description": "GAD-7 (anxiety, 0-21)"})
    gas_t_score = fields.Float(allow_none=True, metadata={
        "description": "GAS T-score over the goals' latest ratings (unit weights, rho 0.3); null when none rated"})
    gas_goals_rated = COUNT("Goals in the GAS T-score")
    reminders_sent = COUNT()
    reminders_failed = COUNT()


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
