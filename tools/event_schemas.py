"""JSON Schema of each event's ``data``, converted from its marshmallow schema.

The conversion is apispec's (OpenAPI 3.1 schema objects are JSON Schema):
String, Integer, Float, Date, AwareDateTime, Nested, List, Dict, OneOf, Range,
Length and allow_none map to type/format/enum/minimum/maximum/minLength/maxLength
and ``["<type>", "null"]``. Fields marked ``metadata={"personal": True}`` get
``x-personal: true``; :func:`without_personal` drops them for what partners receive.
"""
from __future__ import annotations

import copy
import functools

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import Schema


def _personal(self, field, **kwargs) -> dict:
    return {"x-personal": True} if field.metadata.get("personal") else {}


@functools.cache
def _converter():
    plugin = MarshmallowPlugin(schema_name_resolver=lambda schema: None)  # None: nested schemas inline
    APISpec("events", "1", "3.1.0", plugins=[plugin])
    plugin.converter.add_attribute_function(_personal)
    return plugin.converter


def data_schema(schema: type[Schema]) -> dict:
    """The JSON Schema of the marshmallow schema, nested schemas inline."""
    return _converter().schema2jsonschema(schema)


def without_personal(schema: dict) -> dict:
    """A copy of the JSON Schema without the properties marked ``x-personal``, at any depth."""
    schema = copy.deepcopy(schema)
    _strip(schema)
    return schema


def _strip(node: dict) -> None:
    properties = node.get("properties", {})
    personal = [name for name, value in properties.items() if value.get("x-personal")]
    for name in personal:
        del properties[name]
    if "required" in node:
        node["required"] = [name for name in node["required"] if name not in personal]
        if not node["required"]:
            del node["required"]
    children = list(properties.values()) + ([node["items"]] if "items" in node else [])
    for child in children:
        _strip(child)
