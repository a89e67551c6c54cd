"""What every goals view needs from HTTP: the actor, versions (ETag/If-Match), and the
decorator stacks of the three kinds of operation (a command, a read, a listing)."""
from __future__ import annotations

import re
import uuid
from http import HTTPStatus

from flask import current_app, g, request
from flask_smorest import Blueprint

from services.goals.api.idempotency import idempotent
from services.goals.service import Actor, GoalsService
from shared.web.arguments import arguments
from shared.web.auth import STAFF, principal, requires
from shared.web.bodies import JSON, json_body
from shared.web.queries import no_query, query
from shared.web.versions import ETAG

staff_only = requires(*STAFF)
CREATE, CHANGE = (400, 401, 403, 409), (400, 401, 403, 404, 409, 412)
MERGE_PATCH = "application/merge-patch+json"
_CORRELATION_ID = re.compile(r"[A-Za-z0-9._:-]{1,100}")

IF_MATCH = {"in": "header", "name": "If-Match", "required": False, "schema": {"type": "string"},
            "description": 'The ETag of the version the change is based on, e.g. "3"; 412 `stale-version` when '
                           'the goal has changed since'}
IDEMPOTENCY_KEY = {"in": "header", "name": "Idempotency-Key", "required": False,
                   "schema": {"type": "string", "minLength": 1, "maxLength": 255,
                              "pattern": "^[!-~]([ -~]*[!-~])?$"},  # printable ASCII, as HTTP delivers it
                   "description": "Retrying with the same key returns the first answer; nothing is recorded twice; "
                                  "a key already used for a different request: 422 `idempotency-key-reused`"}


def service() -> GoalsService:
    return current_app.extensions["goals_service"]


def actor() -> Actor:
    """The clinic and user of the bearer token, the request's correlation id and its Idempotency-Key."""
    given = request.headers.get("X-Correlation-ID", "")
    correlation_id = given if _CORRELATION_ID.fullmatch(given) else str(uuid.uuid4())
    keyed, applied = g.get("keyed_request", (None, None))
    return Actor(principal().clinic_id, principal().subject, correlation_id, keyed, applied)


def versioned(body, version: int, status: int = 200, location: str | None = None):
    """A view's answer with the strong ETag of `version` (and a Location for a 201)."""
    headers = {"ETag": f'"{version}"', **({"Location": location} if location else {})}
    return body, status, headers


def command(blp: Blueprint, body, answer, status: int = 200, errors=CHANGE, headers=(IDEMPOTENCY_KEY, IF_MATCH),
            body_required: bool = True, creates: bool = False, media_types: tuple[str, ...] = (JSON,)):
    """A POST (or, via merge_patch, a PATCH): staff only, Idempotency-Key, no query parameters, `body` in
    (when required: present, in one of `media_types`), `answer` out with its ETag.

    With `creates`, the view is also given `new_id`, the id of what it creates (api/idempotency.py).
    """
    parsed_body = json_body(blp, body, media_types) if body_required else arguments(blp, body, required=False)
    return _stack(blp.doc(parameters=list(headers)), staff_only, idempotent(creates), no_query(blp), parsed_body,
                  _answers(blp, errors), blp.response(status, answer, headers=ETAG))


def merge_patch(blp: Blueprint, body, answer):
    """A PATCH: a command whose body is a JSON merge patch (RFC 7396), application/merge-patch+json or JSON;
    none, or another media type, is refused (it would read as a patch that changes nothing)."""
    return _stack(command(blp, body, answer, media_types=(MERGE_PATCH, JSON)),
                  blp.doc(requestBody={"content": {JSON: {"schema": body}}}))


def reader(blp: Blueprint, answer, content_type: str | None = None, headers: dict | None = ETAG):
    """A GET of one resource: staff only, no query parameters, `answer` out (JSON, or `content_type`), `headers`."""
    return _stack(staff_only, no_query(blp), _answers(blp, (401, 403, 404)),
                  blp.response(200, answer, headers=headers, content_type=content_type))


def listing(blp: Blueprint, parameters, page):
    """A GET of a list: staff only, query `parameters` in, a `page` out."""
    return _stack(staff_only, query(blp, parameters), _answers(blp, (401, 403)), blp.response(200, page))


def _answers(blp: Blueprint, statuses):
    return _stack(*(blp.alt_response(status, response=HTTPStatus(status).name) for status in statuses))


def _stack(*decorators):
    """The decorators applied as if written one above the other, the first outermost."""
    def decorate(view):
        for decorator in reversed(decorators):
            view = decorator(view)
        return view
    return decorate
