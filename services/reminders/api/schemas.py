"""Request and response schemas of the reminders API. Requests refuse unknown fields."""
from __future__ import annotations

from urllib.parse import urlsplit

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.reminders.domain.delivery import CHANNELS, SNOOZE_MINUTES, STATUSES
from services.reminders.domain.errors import InvalidPreferences
from shared.contract.vocabulary import REMINDER_KINDS
from shared.web.queries import Page

ID = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$", error="1-64 letters, digits, '.', '_', ':' or '-'.")
HHMM = validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error="A local wall-clock time as HH:MM, e.g. 22:00.")
MINUTES_A_YEAR = 525_600
# The URLs the validator accepts, as the OpenAPI document states them: http(s), a host name, no credentials
# (one label, or labels whose last one, the top-level domain, has two characters or more)
_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_TOP_LEVEL = r"[A-Za-z0-9][A-Za-z0-9-]{0,61}[A-Za-z0-9]"
WEBHOOK_URL = rf"^https?://({_LABEL}|({_LABEL}\.)+{_TOP_LEVEL})(:[0-9]{{1,5}})?(/[^\s]*)?$"


def _without_credentials(url: str) -> None:
    if urlsplit(url).username is not None:
        raise ValidationError("Must not carry credentials; the signature authenticates the sender.")


def _time(description: str):
    return fields.String(allow_none=True, load_default=None, validate=HHMM, metadata={"description": description})


class ReminderQuery(Page):
    client_id = fields.String(validate=ID)
    status = fields.String(validate=validate.OneOf(STATUSES))
    due_before = fields.AwareDateTime(metadata={"description": "Only reminders due before this instant"})


class SnoozeRequest(Schema):
    """Exactly one of minutes and until (the OpenAPI document says so: EXACTLY_ONE_SNOOZE)."""
    minutes = fields.Integer(strict=True, validate=validate.Range(*SNOOZE_MINUTES))
    until = fields.AwareDateTime(metadata={
        "description": "A date and time with its UTC offset, in the future and within a year (422 `invalid-request`)"})

    @validates_schema
    def one_of_minutes_or_until(self, data, **_):
        if "minutes" in data and "until" in data:
            raise ValidationError("Give minutes or until, not both.", "until")
        if "minutes" not in data and "until" not in data:
            raise ValidationError(f"Give minutes ({SNOOZE_MINUTES[0]}-{SNOOZE_MINUTES[1]}) or until.", "minutes")


EXACTLY_ONE_SNOOZE = {"oneOf": [{"required": ["minutes"]}, {"required": ["until"]}]}


class PreferenceFields(Schema):
    """Omitted or null fields inherit (client ← clinic ← platform defaults)."""
    timezone = fields.String(allow_none=True, load_default=None, validate=validate.Length(1, 64),
                             metadata={"example": "Europe/London",
                                       "description": "A known IANA time zone (422 `invalid-preference`)"})
    quiet_start = _time("Start of quiet hours (local), e.g. 22:00; set together with quiet_end "
                        "(422 `invalid-preference`)")
    quiet_end = _time("End of quiet hours (local), e.g. 07:00; the window may cross midnight; set together with "
                      "quiet_start (422 `invalid-preference`)")
    local_send_time = _time("Local time of milestone, follow-up and practice reminders, e.g. 09:00")
    session_offsets_minutes = fields.List(
        fields.Integer(strict=True, validate=validate.Range(1, MINUTES_A_YEAR)), allow_none=True, load_default=None,
        validate=validate.Length(max=10), metadata={"description": "Session reminders this many minutes before"})
    webhook_url = fields.Url(schemes={"http", "https"}, require_tld=False, allow_none=True, load_default=None,
                             validate=[validate.Length(max=2000), _without_credentials],
                             metadata={"format": "uri", "pattern": WEBHOOK_URL, "description": (
                                 "Where reminders are POSTed; a host that resolves to a loopback, private or "
                                 "link-local address is refused unless REMINDERS_ALLOWED_NETWORKS allows it "
                                 "(422 `forbidden-target`)")})

    @validates_schema
    def quiet_hours_are_a_pair(self, data, **_):
        start, end = data.get("quiet_start"), data.get("quiet_end")
        if (start is None) != (end is None):
            missing = "quiet_end" if end is None else "quiet_start"
            raise InvalidPreferences(missing, "quiet hours with both quiet_start and quiet_end")


class ClientPreferencesRequest(PreferenceFields):
    channels = fields.List(fields.String(validate=validate.OneOf(CHANNELS)), allow_none=True, load_default=None,
                           validate=validate.Length(1, len(CHANNELS)))


class ClinicPreferencesRequest(PreferenceFields):
    milestone_due_soon_days = fields.Integer(strict=True, allow_none=True, load_default=None,
                                             validate=validate.Range(0, 365))
    follow_up_days = fields.Integer(strict=True, allow_none=True, load_default=None, validate=validate.Range(1, 365))


class ClientPreferences(ClientPreferencesRequest):
    client_id = fields.String(required=True)
    updated_at = fields.AwareDateTime(allow_none=True)
    effective = fields.Dict(metadata={"description": "The values in force, inherited ones included"})


class ClinicPreferences(ClinicPreferencesRequest):
    updated_at = fields.AwareDateTime(allow_none=True)
    effective = fields.Dict(metadata={"description": "The clinic's values in force, defaults included"})


class Attempt(Schema):
    at = fields.AwareDateTime()
    attempt = fields.Integer()
    result = fields.String(metadata={"description": "delivered, http-<status>, timeout, connection-error..."})
    status_code = fields.Integer(allow_none=True)


class Reminder(Schema):
    reminder_id = fields.String(attribute="_id", required=True)
    kind = fields.String(validate=validate.OneOf(REMINDER_KINDS), required=True)
    recipient = fields.String(metadata={"description": "client, or clinician for follow-ups"})
    client_id = fields.String(required=True)
    goal_id = fields.String(allow_none=True)
    milestone_id = fields.String(allow_none=True)
    session_id = fields.String(allow_none=True, metadata={"description": "The logged session that set it up"})
    due_at = fields.AwareDateTime(required=True, metadata={"description": "UTC, after quiet hours"})
    original_due_at = fields.AwareDateTime(allow_none=True, metadata={"description": "Before quiet hours"})
    status = fields.String(validate=validate.OneOf(STATUSES), required=True)
    cancel_reason = fields.String(allow_none=True)
    attempts = fields.Integer(metadata={"description": "Attempts of the current delivery"})
    snoozed_until = fields.AwareDateTime(allow_none=True)
    acknowledged_at = fields.AwareDateTime(allow_none=True)
    history = fields.List(fields.Nested(Attempt))
    created_by = fields.String(allow_none=True, metadata={"description": "Id of the event that implied it"})
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class ReminderPage(Schema):
    items = fields.List(fields.Nested(Reminder), required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)
    total = fields.Integer(required=True)
