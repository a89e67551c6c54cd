"""Partner views of events: personal fields (schema metadata ``personal``) removed."""
from __future__ import annotations

from marshmallow import Schema, fields

from shared.contract.envelope import CloudEvent
from shared.contract.registry import event_type


def redact(schema: Schema, data: dict) -> dict:
    out = {}
    for name, field in schema.fields.items():
        key = field.data_key or name
        if key not in data or field.metadata.get("personal"):
            continue
        value = data[key]
        if isinstance(field, fields.Nested) and isinstance(value, dict):
            value = redact(field.schema, value)
        elif isinstance(field, fields.List) and isinstance(field.inner, fields.Nested) and isinstance(value, list):
            value = [redact(field.inner.schema, item) for item in value]
        out[key] = value
    return out


def partner_view(event: CloudEvent) -> CloudEvent:
    schema = event_type(event.type).schemas[event.schemaversion]()
    return event.with_data(redact(schema, event.data), event.schemaversion)
