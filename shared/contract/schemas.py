"""One marshmallow schema per (event type, schema version): the `data` of each CloudEvent.

Fields with ``metadata={"personal": True}`` are personal data: they appear only on
internal topics and are described as such in the AsyncAPI document.
Schemas validate the JSON form of the data (ISO strings for dates and times).
"""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from shared.contract import vocabulary as v
PERSONAL = {"personal": True}


def _id(**kw):
    return fields.String(required=True, validate=validate.Length(min=1, max=100), **kw)


def _optional_id():
    return fields.String(required=True, allow_none=True, validate=validate.Length(min=1, max=100))


def _one_of(values, **kw):
    return fields.String(required=True, validate=validate.OneOf(values), **kw)


class MeasureV1(Schema):
    name = fields.String(required=True, metadata=PERSONAL)
    baseline = fields.Float(required=True)
    target = fields.Float(required=True)
    unit = fields.String(required=True, allow_none=True)


class MilestoneV1(Schema):
    milestone_id = _id()
    title = fields.String(required=True, metadata=PERSONAL)
    due_date = fields.Date(required=True, allow_none=True)


class GasLevelsV1(Schema):
    class Meta:
        # keys "-2".."2" are not Python identifiers
        include = {key: fields.String(required=True, data_key=key, metadata=PERSONAL) for key in v.GAS_KEYS}


class GoalCreatedV1(Schema):
    goal_id = _id()
    client_id = _id()
    clinician_id = _id()
    title = fields.String(required=True, metadata=PERSONAL)
    description = fields.String(required=True, allow_none=True, metadata=PERSONAL)
    category = _one_of(v.CATEGORIES)
    priority = _one_of(v.PRIORITIES)
    measure = fields.Nested(MeasureV1, required=True, allow_none=True)
    target_date = fields.Date(required=True, allow_none=True)
    lifecycle_status = _one_of(v.LIFECYCLE_STATUSES)
    achievement_status = _one_of(v.ACHIEVEMENT_STATUSES)
    milestones = fields.List(fields.Nested(MilestoneV1), required=True)


class GoalCreatedV2(GoalCreatedV1):
    gas_levels = fields.Nested(GasLevelsV1, required=True, allow_none=True)
    practice_rrule = fields.String(required=True, allow_none=True, validate=validate.Length(max=500))


class MilestoneAddedV1(Schema):
    goal_id = _id()
    client_id = _id()
    milestone_id = _id()
    title = fields.String(required=True, metadata=PERSONAL)
    due_date = fields.Date(required=True, allow_none=True)


class MilestoneReachedV1(Schema):
    goal_id = _id()
    client_id = _id()
    milestone_id = _id()
    reached_at = fields.AwareDateTime(required=True)


class GoalStatusChangedV1(Schema):
    goal_id = _id()
    client_id = _id()
    lifecycle_status = _one_of(v.LIFECYCLE_STATUSES)
    achievement_status = _one_of(v.ACHIEVEMENT_STATUSES)
    reason = _one_of(v.STATUS_REASONS)


class GoalRevisedV1(Schema):
    """A merge patch of a goal: the fields named in `revised` are present with their new values, no others."""
    goal_id = _id()
    client_id = _id()
    revised = fields.List(_one_of(v.REVISABLE_GOAL_FIELDS), required=True, validate=validate.Length(min=1))
    title = fields.String(metadata=PERSONAL)
    description = fields.String(allow_none=True, metadata=PERSONAL)
    priority = fields.String(validate=validate.OneOf(v.PRIORITIES))
    measure = fields.Nested(MeasureV1, allow_none=True)
    target_date = fields.Date(allow_none=True)
    gas_levels = fields.Nested(GasLevelsV1, allow_none=True)

    @validates_schema
    def _only_the_revised_fields(self, data, **_kwargs):
        revised = set(data.get("revised", ()))
        present = set(data) & set(v.REVISABLE_GOAL_FIELDS)
        if revised != present:
            raise ValidationError("exactly the fields named in revised must be present", "revised")


class GoalRatingV1(Schema):
    goal_id = _id()
    rating = fields.Integer(required=True, allow_none=True, validate=validate.Range(-2, 2))


class SessionMeasuresV1(Schema):
    phq9 = fields.Integer(required=True, allow_none=True, validate=validate.Range(0, 27))
    phq9_item9 = fields.Integer(required=True, allow_none=True, validate=validate.Range(0, 3))
    gad7 = fields.Integer(required=True, allow_none=True, validate=validate.Range(0, 21))


class SessionLoggedV1(Schema):
    session_id = _id()
    client_id = _id()
    clinician_id = _id()
    occurred_at = fields.AwareDateTime(required=True)
    duration_minutes = fields.Integer(required=True, validate=validate.Range(1, 600))
    attendance = _one_of(v.ATTENDANCES)
    modality = _one_of(v.MODALITIES)
    goals = fields.List(fields.Nested(GoalRatingV1), required=True)
    measures = fields.Nested(SessionMeasuresV1, required=True)
    next_session_at = fields.AwareDateTime(required=True, allow_none=True)


class ReminderSentV1(Schema):
    reminder_id = _id()
    client_id = _id()
    kind = _one_of(v.REMINDER_KINDS)
    goal_id = _optional_id()
    milestone_id = _optional_id()
    session_id = _optional_id()
    due_at = fields.AwareDateTime(required=True)
    attempted_at = fields.AwareDateTime(required=True)
    attempts = fields.Integer(required=True, validate=validate.Range(min=1))


class ReminderFailedV1(ReminderSentV1):
    error = fields.String(required=True, validate=validate.Length(max=100))
