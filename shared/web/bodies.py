"""Request bodies: a body an operation declares required is there, and is JSON.

webargs reads a missing body, or one of another media type, as ``{}``: for an
operation whose fields are all optional (a PUT of preferences, a merge patch)
that would silently erase values or change nothing. So such a body is refused:
none is 400 at ``body`` (``empty-body``), another media type 415 at
``Content-Type`` (``unsupported-media-type``).
"""
from __future__ import annotations

import functools
from http import HTTPStatus
from typing import Any, Callable

from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema

from shared.web.arguments import arguments
from shared.web.errors import reject

JSON = "application/json"


def json_body(blp: Blueprint, schema: type[Schema] | Schema, media_types: tuple[str, ...] = (JSON,)) -> Callable:
    """View decorator: the required body by `schema`, in one of `media_types` (the first is documented)."""
    def decorate(view: Callable) -> Callable:
        parsed = arguments(blp, schema, content_type=media_types[0])(view)
        for status in (400, 415):
            parsed = blp.alt_response(status, response=HTTPStatus(status).name)(parsed)

        @functools.wraps(parsed)
        def present(*args: Any, **kwargs: Any) -> Any:
            if not request.get_data(cache=True).strip():
                reject(400, "body", "A request body is required", "empty-body")
            if request.mimetype not in media_types:
                reject(415, "Content-Type", f"Expected {' or '.join(media_types)}", "unsupported-media-type")
            return parsed(*args, **kwargs)
        return present
    return decorate
