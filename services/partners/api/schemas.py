"""Request and response schemas of the partners API. Requests refuse unknown fields."""
from __future__ import annotations

from urllib.parse import urlsplit

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from services.partners.domain.feed import LARGEST_CURSOR
from services.partners.domain.subscription import STATUSES, SUBSCRIBABLE
from shared.contract.vocabulary import CATEGORIES

ID = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$", error="1-64 letters, digits, '.', '_', ':' or '-'.")
LARGEST_FEED_PAGE = 500


def _no_credentials(url: str) -> None:
    if urlsplit(url).username is not None:
        raise ValidationError("Must not carry credentials; the signature authenticates the sender.")


class Strict(Schema):
    class Meta:
        unknown = RAISE


class Filters(Strict):
    categories = fields.List(fields.String(validate=validate.OneOf(CATEGORIES)), validate=validate.Length(max=50),
                             metadata={"description": "Only events about goals of these categories (none: all)"})


def _event_types(**kwargs):
    return fields.List(fields.String(validate=validate.OneOf(SUBSCRIBABLE)), validate=[
        validate.Length(1, len(SUBSCRIBABLE)), _distinct],
        metadata={"description": "Published event types, each once", "uniqueItems": True}, **kwargs)


def _distinct(values: list) -> None:
    if len(set(values)) != len(values):
        raise ValidationError("Each type once.")


def _url(**kwargs):
    return fields.Url(schemes={"http", "https"}, require_tld=False, allow_none=True,
                      validate=[validate.Length(max=2000), _no_credentials],
                      metadata={"format": "uri", "description": (
                          "Where webhooks are delivered (none: no webhooks); a host that resolves to a loopback, "
                          "private or link-local address is refused unless PARTNERS_ALLOWED_NETWORKS allows it "
                          "(422 `forbidden-target`)")},
                      **kwargs)


class SubscriptionRequest(Strict):
    partner_id = fields.String(required=True, validate=ID, metadata={"description": "The partner's id (its "
                               "tokens' `sub`)"})
    event_types = _event_types(required=True)
    url = _url(load_default=None)
    filters = fields.Nested(Filters, load_default=None, allow_none=True)


AT_LEAST_ONE_CHANGE = {"minProperties": 1}


class SubscriptionPatch(Strict):
    """A merge patch: the fields given change, the others stay (at least one: AT_LEAST_ONE_CHANGE)."""
    status = fields.String(validate=validate.OneOf(STATUSES), metadata={
        "description": "paused: nothing is routed to it nor delivered until it is active again"})
    event_types = _event_types()
    url = _url()
    filters = fields.Nested(Filters, allow_none=True)

    @validates_schema
    def changes_something(self, data, **_):
        if not data:
            raise ValidationError("Give at least one of status, event_types, url, filters.", "body")


class Kafka(Schema):
    topic = fields.String(metadata={"description": "The subscription's own topic (logical name)"})
    principal = fields.String(metadata={"description": "The SCRAM user that may read it"})


class Subscription(Schema):
    subscription_id = fields.String(attribute="_id", required=True)
    partner_id = fields.String(required=True)
    event_types = fields.List(fields.String(), required=True)
    filters = fields.Nested(Filters, required=True)
    url = fields.String(allow_none=True)
    status = fields.String(validate=validate.OneOf(STATUSES), required=True)
    kafka = fields.Nested(Kafka, allow_none=True)
    seq = fields.Integer(metadata={"description": "The last seq of its feed"})
    cursors = fields.Dict(keys=fields.String(), values=fields.Integer(),
                          metadata={"description": "The last seq delivered on each push channel"})
    version = fields.Integer(metadata={"description": "Also the ETag; send it in If-Match to change it"})
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class SubscriptionCreated(Subscription):
    secret = fields.String(required=True, metadata={
        "description": "The signing secret (Standard Webhooks, whsec_...): shown this once"})


class SecretRotated(Schema):
    subscription_id = fields.String(required=True)
    secret = fields.String(required=True, metadata={"description": "The new signing secret: shown this once"})
    previous_expires_at = fields.AwareDateTime(allow_none=True, metadata={
        "description": "Until when the previous secrets keep verifying (PARTNERS_SECRET_GRACE_S)"})


class SubscriptionPage(Schema):
    items = fields.List(fields.Nested(Subscription), required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)
    total = fields.Integer(required=True)


class FeedQuery(Strict):
    after = fields.String(validate=validate.Length(max=12), metadata={
        "description": "The `next` of the previous answer (none: from the start)"})
    limit = fields.Integer(load_default=100, validate=validate.Range(1, LARGEST_FEED_PAGE), metadata={
        "description": f"Events at most, 1 to {LARGEST_FEED_PAGE}; more answers 422 naming `limit`. Fewer mean "
                       "the end for now"})


class FeedPage(Schema):
    events = fields.List(fields.Dict(), required=True, metadata={
        "description": "Partner CloudEvents in order (pseudonymised; docs/partners.md)"})
    next = fields.String(required=True, metadata={"description": "The cursor to send as `after` next time"})


class Delivery(Schema):
    seq = fields.Integer(required=True, metadata={"description": "The entry's place in the subscription's feed"})
    webhook_id = fields.String(required=True, metadata={"description": "The webhook-id sent (the partner event id)"})
    attempt = fields.Integer(required=True, metadata={"description": "1, 2...: the attempt of this delivery (a "
                                                                      "redelivery or a replay starts again at 1)"})
    at = fields.AwareDateTime(required=True)
    status_code = fields.Integer(allow_none=True, metadata={"description": "The partner's answer (none: no answer)"})
    latency_ms = fields.Float(required=True)
    outcome = fields.String(required=True, validate=validate.OneOf(("delivered", "failed", "parked")), metadata={
        "description": "parked: no 2xx within the retry window; redeliver it with `parked: true`"})
    error = fields.String(allow_none=True, metadata={"description": "e.g. http-500, timeout, connection-error, "
                                                                    "forbidden-target"})


class DeliveryPage(Schema):
    items = fields.List(fields.Nested(Delivery), required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)
    total = fields.Integer(required=True)


def _exactly_one(data: dict, first: str, second: str) -> None:
    if (first in data) == (second in data):
        raise ValidationError(f"Give {first} or {second}, not both.", first)


def exactly_one(first: str, second: str) -> dict:
    """The JSON Schema of _exactly_one, for the OpenAPI document (a body with both, or neither, matches no branch)."""
    return {"oneOf": [{"required": [first]}, {"required": [second]}]}


SEQ = fields.Integer(strict=True, validate=validate.Range(1, LARGEST_CURSOR))


class RedeliverRequest(Strict):
    """Exactly one of seqs and parked."""
    seqs = fields.List(SEQ, validate=validate.Length(1, LARGEST_FEED_PAGE),
                       metadata={"description": "The entries to send again (the `seq` of their deliveries); "
                                                "a seq the feed has not reached is refused (422 `unknown-seq`)"})
    parked = fields.Boolean(validate=validate.Equal(True), metadata={"description": "true: every parked entry"})

    @validates_schema
    def one_of_seqs_or_parked(self, data, **_):
        _exactly_one(data, "seqs", "parked")


class Redelivery(Schema):
    subscription_id = fields.String(required=True)
    seqs = fields.List(fields.Integer(), required=True, metadata={"description": "The entries queued, in order"})


class ReplayRequest(Strict):
    """Exactly one of from_time and after."""
    from_time = fields.AwareDateTime(metadata={"description": "Every entry recorded at or after this instant "
                                                              "(RFC 3339 with its offset)"})
    after = fields.String(validate=validate.Length(1, 12), metadata={
        "description": "Every entry after this cursor (a `next` of the pull feed, or a delivery's seq); another "
                       "is refused (422 `invalid-cursor`)"})

    @validates_schema
    def one_of_from_time_or_after(self, data, **_):
        _exactly_one(data, "from_time", "after")


class Replay(Schema):
    subscription_id = fields.String(required=True)
    after = fields.String(required=True, metadata={"description": "The cursor from which entries are sent again"})


# Rules of a whole body that the OpenAPI document states beside the fields (apispec cannot derive them)
BODY_RULES = {"SubscriptionPatch": (AT_LEAST_ONE_CHANGE, SubscriptionPatch),
              "RedeliverRequest": (exactly_one("seqs", "parked"), RedeliverRequest),
              "ReplayRequest": (exactly_one("from_time", "after"), ReplayRequest)}
