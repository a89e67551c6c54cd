"""Query-string conventions shared by every API: pages, and no unknown parameters.

A list answers ``{"items", "page", "page_size", "total"}``; pages hold at most
LARGEST_PAGE_SIZE items, and a larger `page_size` is refused (422 naming it), not
clamped, so a client never mistakes a short page for the end. An operation that
takes no query parameters refuses any (422 naming it), so a typo never goes
unnoticed.
"""
from __future__ import annotations

from typing import Callable

from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, fields, validate

from shared.web.arguments import arguments


LARGEST_PAGE_SIZE = 100
LAST_PAGE = 10_000


class Page(Schema):
    class Meta:
        unknown = RAISE

    page = fields.Integer(load_default=1, validate=validate.Range(1, LAST_PAGE), metadata={
        "description": f"1 to {LAST_PAGE}; beyond answers 422 naming `page`"})
    page_size = fields.Integer(load_default=20, validate=validate.Range(1, LARGEST_PAGE_SIZE), metadata={
        "description": f"Items per page, 1 to {LARGEST_PAGE_SIZE}; more answers 422 naming `page_size` (never clamped)"})


class NoQuery(Schema):
    class Meta:
        unknown = RAISE


def query(blp: Blueprint, schema: type[Schema] | Schema) -> Callable:
    """View decorator: query parameters by `schema`; unknown ones are refused (422 naming them)."""
    return arguments(blp, schema, location="query", unknown=RAISE)


def no_query(blp: Blueprint) -> Callable:
    """View decorator: refuse any query parameter on an operation that takes none."""
    return arguments(blp, NoQuery, location="query", as_kwargs=True, unknown=RAISE)
