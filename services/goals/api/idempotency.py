"""`Idempotency-Key` on POSTs and PATCHes: a retried request gets the first answer and records nothing twice.

The key belongs to the clinic of the token. A request is identified by its
fingerprint (method, path, query and JSON body, key order aside). The commit a
keyed request stores carries the key's id and the fingerprint (the event store's
unique index on the id lets one commit carry it), so the store alone says what
became of a request, even when the worker that ran it died before answering:

- no commit carries the key: the request runs (again), as if it were the first;
- a commit carries it: the view answers the state that commit left, as the first
  run did, with `Idempotent-Replayed: true` (GoalsService decides nothing again);
- a commit of another request carries it: 422 `idempotency-key-reused`.

A refusal stores nothing, so the key may be used again; so does a change that
stored no events (e.g. a status set to the one it has). The id of what a keyed
request creates is derived from the key, so two runs of it meet at the same id.
"""
from __future__ import annotations

import functools
import hashlib
import json
import uuid

from flask import current_app, g, make_response, request

from shared.store.eventstore import Request
from shared.web.auth import principal
from shared.web.errors import reject

HEADER = "Idempotency-Key"
_ID_NAMESPACE = uuid.UUID("6f1f3c36-8d7e-4c55-9d55-1b6a1e0f2d7a")


def idempotent(creates: bool = False):
    """View decorator (inside the auth check): find what a request with the key stored, run the view on it.

    Sets `g.keyed_request` to (the Request, the stream its commit left or None) for `api.http.actor()`.
    With `creates`, the view is given `new_id`: the id of what it creates (see above).
    """
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            key = request.headers.get(HEADER)
            keyed = None if key is None else Request(request_id(principal().clinic_id, _valid(key)), fingerprint())
            applied = None if keyed is None else current_app.extensions["goals_service"].applied(
                principal().clinic_id, keyed)
            g.keyed_request = keyed, applied
            if creates:
                kwargs["new_id"] = new_id(keyed)
            response = make_response(view(*args, **kwargs))
            if applied is not None:
                response.headers["Idempotent-Replayed"] = "true"
            return response
        return wrapper
    return decorate


def request_id(clinic_id: str, key: str) -> str:
    """The id of (clinic, key), stored in the commit of the request."""
    return hashlib.sha256(json.dumps([clinic_id, key]).encode()).hexdigest()


def new_id(keyed: Request | None) -> str:
    """A new resource id: derived from the request's key, else random."""
    return str(uuid.uuid5(_ID_NAMESPACE, keyed.id) if keyed else uuid.uuid4())


def fingerprint() -> str:
    body = request.get_data(cache=True)
    try:
        body = json.dumps(json.loads(body), sort_keys=True).encode()
    except ValueError:
        pass  # not JSON: compare the bytes as they are
    parts = [request.method.encode(), request.path.encode(), request.query_string, body]
    return hashlib.sha256(b"\0".join(parts)).hexdigest()


def _valid(key: str) -> str:
    if not 1 <= len(key) <= 255 or not key.isascii() or not key.isprintable():
        reject(422, HEADER, "1 to 255 printable ASCII characters", "invalid-idempotency-key")
    return key
