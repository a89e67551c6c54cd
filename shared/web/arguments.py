"""Request arguments (body, query) parsed by one schema instance per operation.

Given a schema class, webargs builds an instance, and with it every nested schema,
for each request; on the goals API that was about a tenth of a command's CPU under
load. Schemas hold no state between loads, so one instance serves every request.
"""
from __future__ import annotations

from typing import Any, Callable

from flask_smorest import Blueprint
from marshmallow import Schema


def arguments(blp: Blueprint, schema: type[Schema] | Schema, **options: Any) -> Callable:
    """`blp.arguments` with an instance of `schema` made once, here."""
    return blp.arguments(schema() if isinstance(schema, type) else schema, **options)
