"""The partner-facing AsyncAPI 3.0 document: the pseudonymised events a partner receives.

    python -m tools.partner_asyncapi > docs/partners-asyncapi.yaml

One message per subscribable type (services.partners.domain.subscription), at its
current version (the router upcasts), on the channel of a subscription's own Kafka
topic; the webhook bodies and the pull feed's events are the same payloads. A
message's data schema is the contract's (tools.event_schemas) without the personal
fields and with every ``*_id`` a pseudonym (``client_id`` becomes ``pseudonym``), as
services/partners/domain/partner_view.py builds them; its example is the golden
payload's partner event for an example partner. A test fails when
docs/partners-asyncapi.yaml differs from this output.
"""
from __future__ import annotations

import copy
import sys

import yaml

from services.partners.domain.partner_view import CLIENT_ID, ID_SUFFIX, KEPT, partner_event
from services.partners.domain.pseudonyms import LENGTH, PREFIX, PartnerPseudonyms
from services.partners.domain.subscription import SUBSCRIBABLE
from shared.contract.envelope import from_dict
from shared.contract.registry import EVENT_TYPES, upcast
from tools import asyncapi_parts as parts
from tools.asyncapi import KAFKA_BINDING, camel, golden
from tools.event_schemas import data_schema, without_personal

PSEUDONYM = {"type": "string", "pattern": f"^{PREFIX}[a-z2-7]{{{LENGTH}}}$",
             "description": "A pseudonym: stable for you, different for every other partner."}
EXAMPLE_SECRET, EXAMPLE_PARTNER = "example-pseudonym-secret", "partner-example"
CHANNEL = "partnerTopic"

INFO = {
    "title": "Therapy goals platform: events for partners",
    "version": "1.0.0",
    "description": (
        "The events a partner's subscription receives, as CloudEvents 1.0 in structured JSON mode: on the "
        "subscription's own Kafka topic (the record value is the whole envelope, the key the client's "
        "pseudonym), as webhook bodies and as the pull feed's events, the same payloads on every channel. "
        "Personal fields are removed and every identifier is a pseudonym of your own: the client is "
        "`pseudonym`, the event id, subject and every id in data are pseudonyms too. Only clients who share "
        "with you are included. Guide: docs/partners.md."),
}
SERVERS = {"local": {
    "host": "127.0.0.1:9094", "protocol": "kafka", "security": [{"$ref": "#/components/securitySchemes/scram"}],
    "description": "The partners' listener (SASL_PLAINTEXT, SCRAM-SHA-512) of the local development broker; "
                   "partners receive the production address and their credentials when they are onboarded.",
}}
ENVELOPE = {
    "type": "object",
    "description": "CloudEvents 1.0 envelope of a partner event.",
    "required": ["specversion", "id", "type", "source", "subject", "time", "schemaversion", "clinicid",
                 "sequence", "pseudonym", "data"],
    "properties": {
        **{name: parts.ENVELOPE["properties"][name] for name in KEPT},
        "id": {**PSEUDONYM, "description": "The event's pseudonym: the same on every redelivery and replay "
                                           "(the webhook-id); de-duplicate by it."},
        "subject": {**PSEUDONYM, "description": "The pseudonym of the aggregate the event is about (the goal, "
                                                "session or reminder of the data)."},
        "pseudonym": {**PSEUDONYM, "description": "Extension: the client's pseudonym; equals the Kafka key."},
        "data": parts.ENVELOPE["properties"]["data"],
    },
    "additionalProperties": False,
}


def pseudonymised(schema: dict) -> dict:
    """A copy of the data's JSON Schema with each `*_id` a pseudonym (nullable ones stay so), `client_id` as
    `pseudonym`, at any depth."""
    schema = copy.deepcopy(schema)
    _rewrite(schema)
    return schema


def _rewrite(node: dict) -> None:
    properties = node.get("properties", {})
    for name in list(properties):
        if name.endswith(ID_SUFFIX):
            nullable = "null" in properties[name].get("type", ())
            properties[name] = {**PSEUDONYM, "type": ["string", "null"] if nullable else "string"}
    if CLIENT_ID in properties:
        node["properties"] = {("pseudonym" if key == CLIENT_ID else key): value for key, value in properties.items()}
        node["required"] = ["pseudonym" if key == CLIENT_ID else key for key in node.get("required", ())]
    for child in list(node.get("properties", {}).values()) + ([node["items"]] if "items" in node else []):
        _rewrite(child)


def example(name: str) -> dict | None:
    kind = EVENT_TYPES[name]
    raw = golden(name, kind.current_version) or golden(name, 1)
    if raw is None:
        return None
    return partner_event(upcast(from_dict(raw)), PartnerPseudonyms(EXAMPLE_SECRET, EXAMPLE_PARTNER))


def message(name: str) -> dict:
    kind = EVENT_TYPES[name]
    version = kind.current_version
    sample = example(name)
    return {
        "name": name,
        "title": f"{name} v{version} (partner event)",
        "summary": f"{name}, schema version {version}: personal fields removed, identifiers pseudonymised.",
        "contentType": parts.CONTENT_TYPE,
        "headers": {"type": "object", "properties": {
            "ce_type": {"type": "string", "description": "Copy of the event type (Kafka)."},
            "ce_id": {"type": "string", "description": "Copy of the event id (Kafka)."}}},
        "bindings": {"kafka": {"key": {**PSEUDONYM, "description": "The client's pseudonym: per-client order."},
                               "bindingVersion": KAFKA_BINDING}},
        "payload": {"allOf": [{"$ref": "#/components/schemas/PartnerEnvelope"}, {
            "type": "object",
            "properties": {"type": {"const": name}, "schemaversion": {"const": version},
                           "data": pseudonymised(without_personal(data_schema(kind.schemas[version])))},
        }]},
        **({"examples": [{"name": "golden", "payload": sample}]} if sample else {}),
    }


def build() -> dict:
    """The partner AsyncAPI document as a dict."""
    messages = {camel(name): message(name) for name in SUBSCRIBABLE}
    refs = {mid: {"$ref": f"#/components/messages/{mid}"} for mid in messages}
    return {
        "asyncapi": "3.0.0",
        "info": INFO,
        "servers": SERVERS,
        "defaultContentType": parts.CONTENT_TYPE,
        "channels": {CHANNEL: {
            "address": "partner.{subscription_id}",
            "title": "partner.<subscription_id>",
            "description": "A subscription's own topic (with the deployment's topic prefix): its events in "
                           "order, readable only with its credentials (consumer groups prefixed "
                           "partner-<subscription_id>). Kept forever.",
            "parameters": {"subscription_id": {"description": "The subscription's id."}},
            "messages": refs,
        }},
        "operations": {"receivePartnerEvents": {
            "action": "receive", "channel": {"$ref": f"#/channels/{CHANNEL}"},
            "summary": "A partner reads its subscription's events.",
            "messages": [{"$ref": f"#/channels/{CHANNEL}/messages/{mid}"} for mid in messages],
        }},
        "components": {
            "schemas": {"PartnerEnvelope": ENVELOPE},
            "securitySchemes": {"scram": {"type": "scramSha512",
                                          "description": "The user partner-<subscription_id> and its password."}},
            "messages": messages,
        },
    }


def render() -> str:
    """The document as YAML (what docs/partners-asyncapi.yaml holds)."""
    header = "# Generated by `python -m tools.partner_asyncapi > docs/partners-asyncapi.yaml`; do not edit by hand.\n"
    return header + yaml.safe_dump(build(), sort_keys=False, allow_unicode=True, width=110)


if __name__ == "__main__":
    sys.stdout.write(render())
