"""Request and response schemas of the goals API (field names as issue 4 names them).

Requests refuse unknown fields (marshmallow's default); the domain checks what a
schema cannot (dates in the past, item 9 above the PHQ-9 total...). The OpenAPI
document states every rule it can (lengths, patterns: a text is not blank, a date
is in the years 1900-2199) and names the refusal (`error_code`) of each rule it
cannot, in the field's or operation's description.
"""
from __future__ import annotations

from marshmallow import Schema, fields, post_load, validate

from services.goals.api.fields import Date, DateTime, reached_not_in_the_future
from services.goals.domain.goal_creation import DESCRIPTION_MAX, GAS_LEVEL_MAX, RRULE_MAX, TITLE_MAX
from services.goals.domain.sharing import MOST_PARTNERS
from shared.contract import vocabulary as v
from shared.web.app import ID_PATTERN
from shared.web.queries import Page

ID = {"validate": validate.Regexp(ID_PATTERN,
                                  error="1-64 letters, digits, '.', '_', ':' or '-'."),
      "metadata": {"example": "client-42"}}


NOT_BLANK = r"\S"  # what the domain's `blank` refusal means: something besides whitespace


def _text(max_length: int, may_be_blank: bool = False, **kwargs):
    documented = {} if may_be_blank else {"pattern": NOT_BLANK}
    metadata = {**documented, **kwargs.pop("metadata", {})}
    return fields.String(validate=validate.Length(max=max_length), metadata=metadata, **kwargs)


def _described(description: str) -> dict:
    return {"metadata": {"description": description}}


ATTENDED_ONLY = "Only for an attended session (422 `session-not-attended`)"


def _choice(values, **kwargs):
    return fields.String(validate=validate.OneOf(values), **kwargs)


def _score(high: int, description: str = ATTENDED_ONLY):
    return fields.Integer(strict=True, allow_none=True, load_default=None, validate=validate.Range(0, high),
                          **_described(description))


class Measure(Schema):
    name = _text(100, required=True)
    baseline = fields.Float(required=True)
    target = fields.Float(required=True, **_described("Different from the baseline (422 `target-equals-baseline`)"))
    unit = _text(30, required=True, metadata={"example": "panic attacks per week"})


class GasLevels(Schema):
    class Meta:
        include = {key: _text(GAS_LEVEL_MAX, required=True, data_key=key) for key in v.GAS_KEYS}


NOT_IN_THE_PAST = "Today (UTC) or later (422 `date-in-the-past`)"


class MilestoneRequest(Schema):
    title = _text(TITLE_MAX, required=True)
    due_date = Date(required=True, **_described(NOT_IN_THE_PAST))


class GoalRequest(Schema):
    client_id = fields.String(required=True, **ID)
    clinician_id = fields.String(load_default=None, **ID, allow_none=True)
    title = _text(TITLE_MAX, required=True)
    description = _text(DESCRIPTION_MAX, may_be_blank=True, load_default="")
    category = _choice(v.CATEGORIES, required=True)
    priority = _choice(v.PRIORITIES, load_default="medium")
    target_date = Date(required=True, **_described(NOT_IN_THE_PAST))
    measure = fields.Nested(Measure, allow_none=True, load_default=None)
    milestones = fields.List(fields.Nested(MilestoneRequest), load_default=list, validate=validate.Length(max=50))
    gas_levels = fields.Nested(GasLevels, allow_none=True, load_default=None)
    practice_rrule = _text(RRULE_MAX, allow_none=True, load_default=None, metadata={
        "example": "FREQ=DAILY;BYHOUR=9", "description": "An RFC 5545 recurrence rule (422 `invalid-rrule`)"})


class MeasurePatch(Measure):
    """The members of a measure to change (in a merge patch, any of them)."""


class GasLevelsPatch(GasLevels):
    """The GAS level texts to change (in a merge patch, any of them)."""


class GoalPatch(Schema):
    """A JSON merge patch (RFC 7396) of a goal: only the fields given change; null removes a value
    (a title, priority or target date cannot be removed); `measure` and `gas_levels` merge member by member."""
    title = _text(TITLE_MAX)
    description = _text(DESCRIPTION_MAX, may_be_blank=True, allow_none=True)
    priority = _choice(v.PRIORITIES)
    target_date = Date(**_described(NOT_IN_THE_PAST))
    measure = fields.Nested(MeasurePatch(partial=True), allow_none=True, metadata={
        "description": "A goal without a measure takes a whole one (422 `incomplete-measure`)"})
    gas_levels = fields.Nested(GasLevelsPatch(partial=True), allow_none=True,
                               metadata={"description": "Only while no session has rated the goal; a goal without GAS "
                                                       "levels takes all five at once (422 `incomplete-gas-levels`)"})


class ReachedRequest(Schema):
    reached_at = DateTime(load_default=None, allow_none=True, validate=reached_not_in_the_future,
                          metadata={"description": "When it was reached; defaults to now; not in the future "
                                                   "(422 `in-the-future`)"})


class StatusRequest(Schema):
    """At least one of lifecycle_status and achievement_status (422 `status-required`)."""
    lifecycle_status = _choice(v.LIFECYCLE_STATUSES, load_default=None, allow_none=True)
    achievement_status = _choice(v.ACHIEVEMENT_STATUSES, load_default=None, allow_none=True)
    reason = _choice(v.STATUS_REASONS, required=True)


class GoalRating(Schema):
    goal_id = fields.String(required=True, validate=ID["validate"], metadata={
        **ID["metadata"], "description": "A goal of the session's client (422 `unknown-goal`), each goal once "
                                         "(422 `duplicate-goal`)"})
    rating = fields.Integer(strict=True, allow_none=True, load_default=None, validate=validate.Range(-2, 2),
                            **_described(ATTENDED_ONLY))


class SessionMeasures(Schema):
    phq9 = _score(27)
    phq9_item9 = _score(3, "With phq9 (422 `item9-without-phq9`), at most phq9 (422 `item9-exceeds-phq9`); "
                           "only for an attended session (422 `session-not-attended`)")
    gad7 = _score(21)


class SessionRequest(Schema):
    client_id = fields.String(required=True, **ID)
    clinician_id = fields.String(load_default=None, allow_none=True, **ID)
    occurred_at = DateTime(required=True)
    duration_minutes = fields.Integer(strict=True, required=True, validate=validate.Range(1, 600))
    attendance = _choice(v.ATTENDANCES, required=True)
    modality = _choice(v.MODALITIES, required=True)
    goals = fields.List(fields.Nested(GoalRating), load_default=list, validate=validate.Length(max=50))
    measures = fields.Nested(SessionMeasures, load_default=dict)
    next_session_at = DateTime(load_default=None, allow_none=True, **_described(
        "After occurred_at (422 `next-session-not-after-session`)"))

    @post_load
    def as_command(self, data: dict, **_) -> dict:
        """The domain's inputs: (goal_id, rating) pairs and the scores as keywords."""
        ratings = [(item["goal_id"], item.get("rating")) for item in data.pop("goals")]
        scores = {**dict.fromkeys(SessionMeasures().fields), **data.pop("measures")}
        return {**data, **scores, "goals": ratings}


class SharingRequest(Schema):
    partners = fields.Raw(required=True, metadata={
        "oneOf": [{"type": "boolean"}, {"type": "array", "minItems": 1, "maxItems": MOST_PARTNERS, "uniqueItems": True,
                                        "items": {"type": "string", "pattern": ID_PATTERN}}],
        "description": "false: no partner receives the client's events; true: every partner (as without a record); "
                       "a list: only these partners (422 `invalid-partners` for anything else)",
        "example": ["registry-outcomes"]})


# --- queries -------------------------------------------------------------------


class SessionQuery(Page):
    client_id = fields.String(**ID)


class GoalQuery(SessionQuery):
    status = _choice(v.LIFECYCLE_STATUSES, metadata={"description": "Lifecycle status"})


# --- responses -----------------------------------------------------------------


class Milestone(MilestoneRequest):
    milestone_id = fields.String(required=True)
    reached_at = DateTime(required=True, allow_none=True)


class Goal(GoalRequest):
    goal_id = fields.String(required=True)
    lifecycle_status = _choice(v.LIFECYCLE_STATUSES, required=True,
                               metadata={"description": "FHIR Goal.lifecycleStatus"})
    achievement_status = _choice(v.ACHIEVEMENT_STATUSES, required=True,
                                 metadata={"description": "FHIR Goal.achievementStatus"})
    milestones = fields.List(fields.Nested(Milestone), required=True)
    version = fields.Integer(required=True, metadata={"description": "Events in the goal's stream; the ETag"})
    created_at = DateTime(required=True)


class MilestoneCreated(Milestone):
    goal_id = fields.String(required=True)
    version = fields.Integer(required=True, metadata={"description": "The goal's version after the change"})


class Session(SessionRequest):
    session_id = fields.String(required=True)
    version = fields.Integer(required=True)


class Sharing(Schema):
    """A client's sharing with partners: `all` while nothing was recorded (then `changed_at` is null)."""
    client_id = fields.String(required=True)
    scope = _choice(v.SHARING_SCOPES, required=True)
    partner_ids = fields.List(fields.String(), required=True,
                              metadata={"description": "The partners allowed, sorted; empty unless scope is listed"})
    changed_at = DateTime(required=True, allow_none=True)


class GoalSummary(Schema):
    """A goal as listed; GET the goal for its milestones, measure, GAS levels and version."""
    goal_id = fields.String(required=True)
    client_id = fields.String(required=True)
    clinician_id = fields.String(required=True)
    title = fields.String(required=True)
    category = fields.String(required=True)
    priority = fields.String(required=True)
    target_date = Date(required=True)
    lifecycle_status = fields.String(required=True)
    achievement_status = fields.String(required=True)
    milestones_total = fields.Integer(required=True)
    created_at = DateTime(required=True)


def _page_of(item: type[Schema], name: str) -> type[Schema]:
    """A page of a listing: {"items": [...], "page": n, "page_size": n, "total": n}."""
    return Page.from_dict({"items": fields.List(fields.Nested(item), required=True),
                           "total": fields.Integer(required=True)}, name=name)


GoalPage = _page_of(GoalSummary, "GoalPage")
SessionPage = _page_of(Session, "SessionPage")


class CloudEvent(Schema):
    """A stored event, CloudEvents 1.0 structured JSON (extensions: docs/architecture.md)."""
    specversion = fields.String(required=True)
    id = fields.String(required=True)
    type = fields.String(required=True)
    source = fields.String(required=True)
    subject = fields.String(required=True)
    time = fields.String(required=True)
    datacontenttype = fields.String(required=True)
    schemaversion = fields.Integer(required=True)
    clinicid = fields.String(required=True)
    sequence = fields.Integer(required=True)
    partitionkey = fields.String(required=True)
    correlationid = fields.String()
    data = fields.Dict(required=True)


class GoalEvents(Schema):
    goal_id = fields.String(required=True)
    version = fields.Integer(required=True)
    events = fields.List(fields.Nested(CloudEvent), required=True)


# --- FHIR R4 (docs/fhir.md): the shape the OpenAPI document states; the views answer domain/fhir.py's resources -----


class FhirCoding(Schema):
    system = fields.String(required=True)
    code = fields.String(required=True)
    display = fields.String(required=True)


class FhirCodeableConcept(Schema):
    coding = fields.List(fields.Nested(FhirCoding))
    text = fields.String(required=True)


class FhirReference(Schema):
    reference = fields.String(metadata={"example": "Patient/client-42"})
    type = fields.String(metadata={"description": "Patient, when the client's id is no FHIR id"})
    identifier = fields.Dict(metadata={"description": "The client's id, when it is no FHIR id"})


class FhirGoalTarget(Schema):
    id = fields.String(metadata={"description": "A milestone's id"})
    measure = fields.Nested(FhirCodeableConcept)
    detailQuantity = fields.Dict()
    detailInteger = fields.Integer()
    detailBoolean = fields.Boolean()
    dueDate = fields.String(metadata={"format": "date"})
    extension = fields.List(fields.Dict(), metadata={"description": "When a milestone was reached"})


class FhirGoal(Schema):
    """A FHIR R4 Goal (application/fhir+json)."""
    resourceType = _choice(("Goal",), required=True)
    id = fields.String(required=True)
    meta = fields.Dict(required=True, metadata={"description": "versionId: the goal's version"})
    lifecycleStatus = _choice(v.LIFECYCLE_STATUSES, required=True)
    achievementStatus = fields.Nested(FhirCodeableConcept, required=True)
    category = fields.List(fields.Nested(FhirCodeableConcept), required=True)
    priority = fields.Nested(FhirCodeableConcept, required=True)
    description = fields.Dict(required=True, metadata={"description": "text: the goal's title"})
    subject = fields.Nested(FhirReference, required=True)
    startDate = fields.String(metadata={"format": "date"})
    target = fields.List(fields.Nested(FhirGoalTarget))
    note = fields.List(fields.Dict(), metadata={"description": "Description, the measure's baseline, GAS levels"})


class FhirBundleEntry(Schema):
    fullUrl = fields.String(required=True)
    resource = fields.Dict(required=True, metadata={"description": "A Goal, an Encounter or an Observation"})


class FhirBundle(Schema):
    """A FHIR R4 Bundle of type collection (application/fhir+json)."""
    resourceType = _choice(("Bundle",), required=True)
    type = _choice(("collection",), required=True)
    timestamp = fields.String(required=True, metadata={"format": "date-time"})
    entry = fields.List(fields.Nested(FhirBundleEntry), required=True)
