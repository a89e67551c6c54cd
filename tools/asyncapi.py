"""The AsyncAPI 3.0 document of the event contract, generated from the event data classes' schemas.

    python -m tools.asyncapi > docs/asyncapi.yaml

One message per (event type, schema version) of shared.contract.registry, on the
channel of its topic; goal events also on the partner topic without their
personal fields; one dead-letter channel per consumer group. The examples are
the golden payloads of tests/contract/golden (their partner view on the partner
topic). A test fails when docs/asyncapi.yaml differs from this output.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

from shared.contract.envelope import from_dict
from shared.contract.registry import EVENT_TYPES
from shared.messaging.topics import EVENT_TOPICS, KEEP_FOREVER
from shared.contract.redaction import partner_view
from shared.messaging.relay import PARTNER_TOPICS
from tools import asyncapi_parts as parts
from tools.event_schemas import data_schema, without_personal

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "contract" / "golden"
KAFKA_BINDING = "0.5.0"


def camel(*words: str) -> str:
    """camel("goal-created", "v1") -> "goalCreatedV1"."""
    pieces = [piece for word in words for piece in word.replace(".", "-").split("-") if piece]
    return pieces[0] + "".join(piece[:1].upper() + piece[1:] for piece in pieces[1:])


def golden(name: str, version: int) -> dict | None:
    path = GOLDEN / name / f"v{version}.json"
    return json.loads(path.read_text()) if path.exists() else None


def message(name: str, version: int, partner: bool) -> dict:
    kind = EVENT_TYPES[name]
    data = data_schema(kind.schemas[version])
    example = golden(name, version)
    if partner:
        data = without_personal(data)
        example = example and partner_view(from_dict(example)).to_dict()
    current = "current version" if version == kind.current_version else f"upcast to v{kind.current_version}"
    return {
        "name": name,
        "title": f"{name} v{version}" + (" (partner view)" if partner else ""),
        "summary": f"{name}, schema version {version} ({current})."
                   + (" Personal fields removed." if partner else ""),
        "contentType": parts.CONTENT_TYPE,
        "traits": [{"$ref": "#/components/messageTraits/cloudEvent"}],
        "payload": {"allOf": [{"$ref": "#/components/schemas/CloudEventEnvelope"}, {
            "type": "object",
            "properties": {"type": {"const": name}, "schemaversion": {"const": version}, "data": data},
        }]},
        **({"examples": [{"name": "golden", "payload": example}]} if example else {}),
    }


def messages_by_topic(partner: bool = False) -> dict[str, dict[str, dict]]:
    """{topic: {messageId: message}} for every registered (type, version)."""
    topics: dict[str, dict[str, dict]] = {}
    for name, kind in EVENT_TYPES.items():
        topic = kind.topic
        if partner:
            if topic not in PARTNER_TOPICS:
                continue
            topic = PARTNER_TOPICS[topic]
        for version in sorted(kind.schemas):
            message_id = camel(name, f"v{version}") + ("Partner" if partner else "")
            topics.setdefault(topic, {})[message_id] = message(name, version, partner)
    return topics


def event_channel(topic: str, message_ids: list[str]) -> dict:
    return {
        "address": topic,
        "title": topic,
        "description": parts.TOPIC_DESCRIPTIONS[topic],
        "messages": {mid.removesuffix("Partner"): {"$ref": f"#/components/messages/{mid}"} for mid in message_ids},
        "bindings": {"kafka": {"topic": topic,
                               "topicConfiguration": {key: int(value) for key, value in KEEP_FOREVER.items()},
                               "bindingVersion": KAFKA_BINDING}},
    }


def build() -> dict:
    """The AsyncAPI document as a dict."""
    topics = {**messages_by_topic(), **messages_by_topic(partner=True)}
    channels = {camel(topic): event_channel(topic, list(topics[topic])) for topic in EVENT_TOPICS}
    channels["deadLetters"] = parts.DEAD_LETTER_CHANNEL
    operations = {camel("publish", topic): {
        "action": "send", "channel": {"$ref": f"#/channels/{camel(topic)}"},
        "summary": f"The platform publishes to {topic}.",
        "messages": [{"$ref": f"#/channels/{camel(topic)}/messages/{mid.removesuffix('Partner')}"}
                     for mid in topics[topic]],
    } for topic in EVENT_TOPICS}
    operations["publishDeadLetters"] = parts.DEAD_LETTER_OPERATION
    all_messages = {mid: msg for by_id in topics.values() for mid, msg in by_id.items()}
    return {
        "asyncapi": "3.0.0",
        "info": parts.INFO,
        "servers": parts.SERVERS,
        "defaultContentType": parts.CONTENT_TYPE,
        "channels": channels,
        "operations": operations,
        "components": {
            "schemas": {"CloudEventEnvelope": parts.ENVELOPE},
            "messageTraits": {"cloudEvent": parts.CLOUD_EVENT_TRAIT},
            "messages": {**all_messages, "deadLetter": parts.DEAD_LETTER_MESSAGE},
        },
    }


def render() -> str:
    """The document as YAML (what docs/asyncapi.yaml holds)."""
    header = "# Generated by `python -m tools.asyncapi > docs/asyncapi.yaml`; do not edit by hand.\n"
    return header + yaml.safe_dump(build(), sort_keys=False, allow_unicode=True, width=110)


if __name__ == "__main__":
    sys.stdout.write(render())
