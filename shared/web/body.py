"""What every API accepts as a request body, checked once, before any view or parser reads it.

- At most `http_max_body_bytes` (HTTP_MAX_BODY_BYTES, default 1 MiB): a larger body answers
  413, also one sent chunked, without Content-Length (werkzeug would silently cut it at the
  limit, and the cut JSON would read as malformed).
- A body that is JSON nests at most LARGEST_DEPTH arrays and objects: deeper answers 400
  naming `body`, before any parser recurses into it.
- Its text (keys too) is Unicode that UTF-8 can carry: a lone surrogate such as "\\ud800"
  answers 422 naming the field, before the store or a log meets it.

A body is checked whatever its Content-Type, since some readers (the goals API's idempotency
fingerprint) parse it regardless; a body that is not JSON is left to the view's parser.
"""
from __future__ import annotations

import json
from typing import Any

from flask import request
from werkzeug.exceptions import RequestEntityTooLarge

from shared.web.errors import field_path, reject

LARGEST_DEPTH = 32


def check_request_body() -> None:
    """A `before_request` hook of every API (shared/web/app.py)."""
    if request.routing_exception is not None:
        return  # 404 and 405 answer first
    body = _whole_body()
    if not body.strip():
        return
    try:
        document = json.loads(body)
    except RecursionError:
        reject(400, "body", f"Nested deeper than {LARGEST_DEPTH} arrays and objects", "body-too-deep")
    except ValueError:
        return
    problem = first_problem(document)
    if problem:
        reject(*problem)


def _whole_body() -> bytes:
    body = request.get_data(cache=True)  # 413 when Content-Length is over the limit
    limit = request.max_content_length
    if request.content_length is None and limit is not None and len(body) >= limit:
        if request.environ["wsgi.input"].read(1):  # the stream went on past the limit
            raise RequestEntityTooLarge()
    return body


def first_problem(document: Any) -> tuple[int, str, str, str] | None:
    """(status, field, message, code) of the first rule `document` breaks, in document order, or None.

    Walked without recursion, so that no depth can exhaust the stack."""
    pending = [(document, "", 1)]
    while pending:
        value, path, depth = pending.pop()
        if isinstance(value, str) and not _utf8(value):
            return 422, path or "body", "Must be Unicode text without lone surrogates", "invalid-text"
        if not isinstance(value, (dict, list)):
            continue
        if depth > LARGEST_DEPTH:
            return 400, "body", f"Nested deeper than {LARGEST_DEPTH} arrays and objects", "body-too-deep"
        items = list(value.items() if isinstance(value, dict) else enumerate(value))
        if not all(_utf8(key) for key, _ in items):
            return 422, path or "body", "Names must be Unicode text without lone surrogates", "invalid-text"
        pending.extend((item, field_path(path, key), depth + 1) for key, item in reversed(items))
    return None


def _utf8(text: str | int) -> bool:
    if not isinstance(text, str) or text.isascii():
        return True
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False
