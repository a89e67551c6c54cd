"""The marshmallow schema of each event's data, generated from its dataclass (shared.contract.events).

A schema validates the JSON form of the data (ISO strings for dates and times) and
refuses unknown fields. Each field's type and rules become a marshmallow field:
``str`` String, ``int`` Integer, ``float`` Float, ``date`` Date, ``datetime``
AwareDateTime, ``X | None`` allow_none, ``tuple[X, ...]`` List, a dataclass Nested,
a keyed dict a Nested of one required String per key; ``choices`` OneOf, ``length``
Length, ``range`` Range; ``personal`` becomes ``metadata={"personal": True}`` (what
shared.contract.redaction removes and the AsyncAPI document marks ``x-personal``).
Every field is required except those whose default is ``ABSENT``.
"""
from __future__ import annotations

import dataclasses
import functools
import types
import typing
from datetime import date, datetime

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from shared.contract.events import ABSENT, Absent

PERSONAL = {"personal": True}
_SCALARS = {str: fields.String, int: fields.Integer, float: fields.Float, date: fields.Date,
            datetime: fields.AwareDateTime}


@functools.cache
def schema_of(cls) -> type[Schema]:
    """The marshmallow schema of the dataclass's data (one class per dataclass)."""
    hints = typing.get_type_hints(cls)
    attributes = {f.name: _field(hints[f.name], f.metadata, required=f.default is not ABSENT)
                  for f in dataclasses.fields(cls)}
    attributes.update(_names_present_rule(cls))
    return type(f"{cls.__name__}Data", (Schema,), attributes)


def _field(hint, rules, **options) -> fields.Field:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        arguments = typing.get_args(hint)
        [hint] = [argument for argument in arguments if argument not in (type(None), Absent)]
        options["allow_none"] = type(None) in arguments
    keys = rules.get("keys")
    if keys:
        values = {key: fields.String(required=True, metadata=_personal(rules)) for key in keys}
        return fields.Nested(type("KeyedData", (Schema,), values), **options)
    if dataclasses.is_dataclass(hint):
        return fields.Nested(schema_of(typing.cast(type, hint)), **options)
    checks = [check for check in (_length(rules), _range(rules)) if check]
    if typing.get_origin(hint) is tuple:
        items = _field(typing.get_args(hint)[0], {"choices": rules["choices"]} if "choices" in rules else {})
        return fields.List(items, validate=checks, metadata=_personal(rules), **options)
    if "choices" in rules:
        checks.append(validate.OneOf(rules["choices"]))
    return _SCALARS[hint](validate=checks, metadata=_personal(rules), **options)


def _personal(rules) -> dict:
    return PERSONAL if rules.get("personal") else {}


def _length(rules):
    return validate.Length(*rules["length"]) if "length" in rules else None


def _range(rules):
    return validate.Range(*rules["range"]) if "range" in rules else None


def _names_present_rule(cls) -> dict:
    """For a field with ``names_present``: the check that it names exactly the optional fields present."""
    naming = [f for f in dataclasses.fields(cls) if f.metadata.get("names_present")]
    if not naming:
        return {}
    [names] = naming
    optional = {f.name for f in dataclasses.fields(cls) if f.default is ABSENT}
    if optional != set(names.metadata["choices"]):
        raise TypeError(f"{cls.__name__}.{names.name} must choose among exactly the optional fields")

    @validates_schema
    def only_the_named_fields_are_present(self, data, **_kwargs):
        if set(data.get(names.name, ())) != set(data) & optional:
            raise ValidationError(f"exactly the fields named in {names.name} must be present", names.name)

    return {"_only_the_named_fields_are_present": only_the_named_fields_are_present}
