"""The marshmallow → JSON Schema conversion behind docs/asyncapi.yaml."""
from marshmallow import Schema, fields, validate

from tools.asyncapi import camel
from tools.event_schemas import data_schema, without_personal


class Inner(Schema):
    secret = fields.String(required=True, metadata={"personal": True})
    score = fields.Integer(required=True, allow_none=True, validate=validate.Range(0, 27))


class Outer(Schema):
    name = fields.String(required=True, metadata={"personal": True})
    kind = fields.String(required=True, validate=validate.OneOf(["a", "b"]))
    when = fields.AwareDateTime(required=True)
    day = fields.Date(required=True, allow_none=True)
    items = fields.List(fields.Nested(Inner), required=True)
    one = fields.Nested(Inner, required=True, allow_none=True)
    tags = fields.Dict(keys=fields.String(), values=fields.Float())
    code = fields.String(validate=validate.Length(min=1, max=5))


def test_field_types_validators_and_nullability_become_json_schema():
    schema = data_schema(Outer)
    properties = schema["properties"]

    assert properties["kind"] == {"type": "string", "enum": ["a", "b"]}
    assert properties["when"] == {"type": "string", "format": "date-time"}
    assert properties["day"] == {"type": ["string", "null"], "format": "date"}
    assert properties["one"]["type"] == ["object", "null"]
    assert properties["items"]["items"]["properties"]["score"] == {"type": ["integer", "null"], "minimum": 0,
                                                                  "maximum": 27}
    assert properties["tags"] == {"type": "object", "additionalProperties": {"type": "number"}}
    assert properties["code"] == {"type": "string", "minLength": 1, "maxLength": 5}
    assert set(schema["required"]) == {"name", "kind", "when", "day", "items", "one"}
    assert schema["additionalProperties"] is False


def test_personal_fields_are_marked_and_can_be_removed_at_any_depth():
    marked = data_schema(Outer)

    stripped = without_personal(marked)

    assert marked["properties"]["name"]["x-personal"] is True
    assert "name" not in stripped["properties"] and "name" not in stripped["required"]
    assert "secret" not in stripped["properties"]["items"]["items"]["properties"]
    assert "secret" not in stripped["properties"]["one"]["properties"]
    assert "name" in marked["properties"], "the original is left intact"


def test_message_ids_are_camel_case():
    assert camel("goal-created", "v2") == "goalCreatedV2"
    assert camel("reminders-events") == "remindersEvents"
