"""Field builders that keep the report schemas short and their descriptions uniform."""
from __future__ import annotations

from marshmallow import fields


def described(field_class, description: str, **options):
    return field_class(metadata={"description": description}, **options)


def when(description: str) -> fields.DateTime:
    return fields.DateTime(allow_none=True, metadata={"description": description + " (UTC)"})


def COUNT(description: str | None = None) -> fields.Integer:  # noqa: N802 - reads like a type
    return fields.Integer(metadata={"description": description} if description else {})


def RATE(description: str) -> fields.Float:  # noqa: N802
    return fields.Float(allow_none=True, metadata={"description": description + " (0..1, 4 decimals)"})
