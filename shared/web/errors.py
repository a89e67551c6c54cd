"""One JSON error shape for every error of every API:

    {"code": 422, "status": "Unprocessable Entity", "message": "...",
     "errors": {"goals[0].rating": ["Must be greater than or equal to -2 ..."]}}

`errors` maps field paths (as the client wrote them) to messages; it is present
for input errors. Nothing answers with HTML, and an unexpected error is a JSON 500
whose message reveals nothing. An error keeps the headers HTTP gives it (`Allow` on
a 405, `Retry-After` on a 429 or 503). A store that cannot be reached is a 503 with
Retry-After, never a 500. A refusal of any service (shared.domain.errors.DomainError)
becomes its answer here and only here: its kind names the status (STATUS_OF_KIND).
"""
from __future__ import annotations

import logging
from typing import Any, NoReturn

import marshmallow as ma
from flask import Flask, Response, jsonify
from flask_smorest import Api
from webargs.flaskparser import abort  # what flask_smorest.abort is, with its types
from pymongo.errors import ConnectionFailure
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable, default_exceptions

from shared.domain.errors import DomainError

log = logging.getLogger(__name__)
STORE_RETRY_AFTER_SECONDS = 5  # about the store's server-selection timeout (shared/store/mongo.py)


class ErrorSchema(ma.Schema):
    code = ma.fields.Integer(metadata={"description": "HTTP status code"})
    status = ma.fields.String(metadata={"description": "HTTP status name"})
    message = ma.fields.String(metadata={"description": "What went wrong"})
    error_code = ma.fields.String(metadata={"description": "Machine-readable reason, e.g. milestone-already-reached"})
    errors = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.List(ma.fields.String()),
                            metadata={"description": "Messages per field path"})


def flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """{"goals": {0: {"rating": [...]}}} -> {"goals[0].rating": [...]}."""
    if isinstance(messages, (list, tuple)) and all(isinstance(m, str) for m in messages):
        return {prefix or "body": list(messages)}
    if isinstance(messages, str):
        return {prefix or "body": [messages]}
    flat: dict[str, list[str]] = {}
    items = messages.items() if isinstance(messages, dict) else enumerate(messages)
    for key, value in items:
        flat.update(flatten(value, prefix if key == "_schema" else field_path(prefix, key)))
    return flat


def field_path(prefix: str, key: int | str) -> str:
    """The path of `key` inside the field at `prefix`, as the client wrote it: goals[0].rating."""
    if isinstance(key, int):
        return f"{prefix}[{key}]"
    return f"{prefix}.{key}" if prefix else str(key)


def field_errors(data: dict) -> dict[str, list[str]]:
    """`errors` (from `reject`) are keyed by field path already; webargs' `messages`
    are {"json": {...}, "query": {...}, "headers": {...}}: drop the location."""
    if data.get("errors"):
        return flatten(data["errors"])
    errors = data.get("messages") or {}
    merged: dict[str, list[str]] = {}
    for location in errors.values() if isinstance(errors, dict) else [errors]:
        merged.update(flatten(location))
    return merged


STATUS_OF_KIND = {"invalid": 422, "conflict": 409, "not-found": 404, "stale": 412}


def reject(status: int, field: str, message: str, code: str | None = None) -> NoReturn:
    """Abort with the one error shape, naming the offending field."""
    abort(status, message=message, errors={field: [message]}, error_code=code)  # None: none in the answer


class PlatformApi(Api):
    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error: HTTPException) -> Response:
        return self.error_response(error, getattr(error, "data", None) or {})  # flask-smorest's abort sets `data`

    def error_response(self, error: HTTPException, data: dict) -> Response:
        """The error as the one shape; `data` may hold the message, field errors, error code and headers."""
        status = error.code or 500
        payload: dict = {"code": status, "status": error.name,
                         "message": data.get("message") or error.description or error.name}
        if data.get("error_code"):
            payload["error_code"] = data["error_code"]
        errors = field_errors(data)
        if errors:
            payload["errors"] = errors
        if status == 422:
            payload["message"] = data.get("message") or "Invalid input"
        response = jsonify(payload)
        response.status_code = status
        own = {name: value for name, value in error.get_headers() if name.lower() != "content-type"}
        for name, value in {**own, **(data.get("headers") or {})}.items():
            response.headers[name] = value
        return response


def answer(api: PlatformApi, status: int, field: str, message: str, code: str) -> Response:
    """The one error shape for `status`, naming `field`, outside an abort."""
    data = {"message": message, "errors": {field: [message]}, "error_code": code}
    return api.error_response(default_exceptions[status](), data)


def register_error_answers(app: Flask, api: PlatformApi) -> None:
    """Refusals as their status, an unreachable store as 503; anything unexpected as a JSON 500 that reveals nothing."""
    @app.errorhandler(DomainError)
    def refused(error: DomainError) -> Response:
        return answer(api, STATUS_OF_KIND[error.kind], error.field, error.answer, error.code)

    @app.errorhandler(ConnectionFailure)  # AutoReconnect, ServerSelectionTimeoutError, NetworkTimeout...
    def store_unreachable(error: ConnectionFailure) -> Response:
        log.warning("store unreachable", extra={"error": type(error).__name__})
        data = {"message": "The store is unreachable; retry shortly", "error_code": "store-unavailable"}
        return api.error_response(ServiceUnavailable(retry_after=STORE_RETRY_AFTER_SECONDS), data)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:  # pragma: no cover - a safety net
        if isinstance(error, HTTPException):
            return api.handle_http_exception(error)
        log.exception("unexpected error")
        return api.handle_http_exception(InternalServerError(description="Internal error"))
