"""`Idempotency-Key` on POSTs and PATCHes: a retried request gets the first answer and records nothing twice.

The key belongs to the clinic of the token. A request is identified by its
fingerprint (method, path, query and JSON body, key order aside): the same key
with another request answers 422 `idempotency-key-reused`; while the first
request is still running, 409 `idempotency-key-in-use` with Retry-After. Only
successful (2xx) answers are kept: after a refusal nothing was recorded, so the
key may be used again. Storage and crash window: store/idempotency.py.

The id of what a keyed request creates is derived from its claim, so a retry that
takes over a stale claim meets what the first run stored instead of storing it twice.
"""
from __future__ import annotations

import functools
import hashlib
import json
import uuid

from flask import current_app, make_response, request
from flask_smorest import abort

from services.goals.store.idempotency import Claim, IdempotencyRecords
from shared.web.auth import principal
from shared.web.errors import reject

HEADER = "Idempotency-Key"
REPLAYED_HEADERS = ("Location", "ETag")
_ID_NAMESPACE = uuid.UUID("6f1f3c36-8d7e-4c55-9d55-1b6a1e0f2d7a")


def idempotent(creates: bool = False):
    """View decorator (inside the auth check): claim the key, run the view, keep its answer.

    With `creates`, the view is given `new_id`: the id of what it creates (see above).
    """
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            key = request.headers.get(HEADER)
            claim = None if key is None else _records().claim(principal().clinic_id, _valid(key), fingerprint())
            if claim is not None and not claim.claimed:
                return _answer_for(claim)
            if creates:
                kwargs["new_id"] = new_id(claim)
            if claim is None:
                return view(*args, **kwargs)
            try:
                response = make_response(view(*args, **kwargs))
            except BaseException:
                _records().release(claim)
                raise
            _keep(claim, response)
            return response
        return wrapper
    return decorate


def new_id(claim: Claim | None) -> str:
    """A new resource id: derived from the claim of the request's key, else random."""
    return str(uuid.uuid5(_ID_NAMESPACE, claim.record_id) if claim else uuid.uuid4())


def fingerprint() -> str:
    body = request.get_data(cache=True)
    try:
        body = json.dumps(json.loads(body), sort_keys=True).encode()
    except ValueError:
        pass  # not JSON: compare the bytes as they are
    parts = [request.method.encode(), request.path.encode(), request.query_string, body]
    return hashlib.sha256(b"\0".join(parts)).hexdigest()


def _records() -> IdempotencyRecords:
    return current_app.extensions["idempotency_records"]


def _valid(key: str) -> str:
    if not 1 <= len(key) <= 255 or not key.isascii() or not key.isprintable():
        reject(422, HEADER, "1 to 255 printable ASCII characters", "invalid-idempotency-key")
    return key


def _answer_for(claim: Claim):
    if claim.mismatch:
        reject(422, HEADER, "This key was used for a different request", "idempotency-key-reused")
    if claim.in_progress:
        message = "A request with this key is still being processed; retry shortly"
        abort(409, message=message, errors={HEADER: [message]}, error_code="idempotency-key-in-use",
              headers={"Retry-After": "1"})
    answer = claim.answer
    response = current_app.response_class(answer["body"], status=answer["status"], mimetype="application/json")
    response.headers.update({**answer["headers"], "Idempotent-Replayed": "true"})
    return response


def _keep(claim: Claim, response) -> None:
    if 200 <= response.status_code < 300:
        headers = {name: response.headers[name] for name in REPLAYED_HEADERS if name in response.headers}
        _records().complete(claim, response.status_code, response.get_data(as_text=True), headers)
    else:
        _records().release(claim)
