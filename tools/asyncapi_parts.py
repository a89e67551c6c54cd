"""The fixed parts of the AsyncAPI document: info, servers, the envelope, the dead-letter channel."""
from __future__ import annotations

from shared.messaging.deadletters import REASONS
from shared.contract.envelope import REQUIRED, SPEC_VERSION
from shared.messaging.topics import GOALS_EVENTS, REMINDERS_EVENTS

CONTENT_TYPE = "application/cloudevents+json"

INFO = {
    "title": "Therapy goals platform: events",
    "version": "1.0.0",
    "description": (
        "Events of the therapy-goals platform on Apache Kafka, as CloudEvents 1.0 in structured JSON mode "
        "(the record value is the whole envelope). The Kafka message key is the client id, so all events of "
        "one client are on one partition, in order. Topics keep events forever. Each (type, schema version) "
        "is one message below; consumers upcast older versions. Prose, policies and de-duplication rules: "
        "docs/events.md."),
}

SERVERS = {"local": {
    "host": "127.0.0.1:9092", "protocol": "kafka",
    "description": "Local development broker. These topics are internal: partners subscribe through the "
                   "partners service (docs/partners.md, docs/partners-asyncapi.yaml).",
}}

TOPIC_DESCRIPTIONS = {
    GOALS_EVENTS: "Internal. Goal and session events of every clinic. Contains personal data: the fields "
                  "marked `x-personal: true` (goal titles, descriptions, milestone titles, measure names, "
                  "GAS level texts). Key: the client id.",
    REMINDERS_EVENTS: "Reminder deliveries (sent, failed). No personal data. Key: the client id.",
}

_ATTRIBUTES = {
    "specversion": {"const": SPEC_VERSION, "description": "CloudEvents specification version."},
    "id": {"type": "string", "description": "Unique id of the event. Redeliveries and replays carry the same "
                                            "id: de-duplicate by it."},
    "type": {"type": "string", "description": "Event type, e.g. goal-created."},
    "source": {"type": "string", "format": "uri-reference", "description": "The producing service."},
    "subject": {"type": "string", "description": "The aggregate (stream) the event belongs to: a goal id, a "
                                                 "session id or a reminder id."},
    "time": {"type": "string", "format": "date-time", "description": "When the event was recorded (UTC)."},
    "datacontenttype": {"const": "application/json"},
    "schemaversion": {"type": "integer", "minimum": 1, "description": "Extension: version of the `data` "
                                                                        "schema for this type."},
    "clinicid": {"type": "string", "description": "Extension: the clinic (tenant)."},
    "sequence": {"type": "integer", "minimum": 1, "description": "Extension: position of the event in its "
                                                                 "subject's stream, 1, 2, 3... without gaps. "
                                                                 "Apply an event only if it advances the "
                                                                 "subject's sequence."},
    "partitionkey": {"type": "string", "description": "Extension: the client id; equals the Kafka message key."},
    "correlationid": {"type": "string", "description": "Extension (optional): id of the request that led "
                                                       "to the event."},
    "data": {"type": "object", "description": "The event's data; its schema depends on type and schemaversion."},
}

ENVELOPE = {
    "type": "object",
    "description": "CloudEvents 1.0 envelope with the platform's extension attributes.",
    "required": [*REQUIRED, "data"],
    "properties": _ATTRIBUTES,
}

_STRING = {"type": "string"}
CLOUD_EVENT_TRAIT = {
    "headers": {"type": "object", "properties": {
        "content-type": {"const": "application/cloudevents+json; charset=UTF-8",
                         "description": "CloudEvents Kafka binding, structured mode."},
        "ce_type": {**_STRING, "description": "Copy of the event type, so consumers can skip types they "
                                              "ignore without parsing the value."},
        "ce_id": {**_STRING, "description": "Copy of the event id."},
    }},
    "correlationId": {"location": "$message.payload#/correlationid"},
    "bindings": {"kafka": {"key": {**_STRING, "description": "The client id: per-client ordering."},
                           "bindingVersion": "0.5.0"}},
}

DEAD_LETTER_MESSAGE = {
    "name": "dead-letter",
    "title": "Dead letter",
    "summary": "A record a consumer group could not apply, byte for byte, with why and where it came from.",
    "contentType": "application/octet-stream",
    "headers": {"type": "object", "required": ["dlq_reason", "dlq_error", "dlq_topic", "dlq_partition",
                                               "dlq_offset", "dlq_group"], "properties": {
        "dlq_reason": {"enum": list(REASONS), "description": "; ".join(f"{k}: {v}" for k, v in REASONS.items())},
        "dlq_error": {**_STRING, "maxLength": 2000, "description": "The error message."},
        "dlq_topic": {**_STRING, "description": "Original topic."},
        "dlq_partition": {**_STRING, "description": "Original partition (decimal)."},
        "dlq_offset": {**_STRING, "description": "Original offset (decimal)."},
        "dlq_group": {**_STRING, "description": "The consumer group that rejected it."},
    }, "additionalProperties": {"description": "The original record's headers are kept."}},
    "payload": {"description": "The original record value, unchanged (it may not even be JSON)."},
    "bindings": {"kafka": {"key": {"description": "The original record key, unchanged."},
                           "bindingVersion": "0.5.0"}},
}

DEAD_LETTER_CHANNEL = {
    "address": "{group}.dlq",
    "title": "<group>.dlq",
    "description": "Internal. One dead-letter topic per consumer group; kept forever. Operators inspect it, "
                   "fix the cause and rebuild the projection (a replay from the start of the topics).",
    "parameters": {"group": {"description": "The consumer group id (the projection's name)."}},
    "messages": {"deadLetter": {"$ref": "#/components/messages/deadLetter"}},
}

DEAD_LETTER_OPERATION = {
    "action": "send",
    "channel": {"$ref": "#/channels/deadLetters"},
    "summary": "A consumer group dead-letters a record it cannot apply, and keeps going.",
    "messages": [{"$ref": "#/channels/deadLetters/messages/deadLetter"}],
}
