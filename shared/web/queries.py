"""Query-string conventions shared by every API: pages, and no unknown parameters.

A list answers ``{"items", "page", "page_size", "total"}``; an operation that
takes no query parameters refuses any (422 naming it), so a typo never goes
unnoticed.
"""
from __future__ import annotations

from typing import Callable

from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, fields, validate


class Page(Schema):
    class Meta:
        unknown = RAISE

    page = fields.Integer(load_default=1, validate=validate.Range(1, 10_000))
    page_size = fields.Integer(load_default=20, validate=validate.Range(1, 100))


class NoQuery(Schema):
    class Meta:
        unknown = RAISE


def query(blp: Blueprint, schema: type[Schema] | Schema) -> Callable:
    """View decorator: query parameters by `schema`; unknown ones are refused (422 naming them)."""
    return blp.arguments(schema, location="query", unknown=RAISE)


def no_query(blp: Blueprint) -> Callable:
    """View decorator: refuse any query parameter on an operation that takes none."""
    return blp.arguments(NoQuery, location="query", as_kwargs=True, unknown=RAISE)
