"""The one place where refusals of the domain and the store become HTTP answers.

invalid → 422, conflict → 409, not-found → 404, each naming the field and the
error code; a stale If-Match → 412; a lost race with another writer → 409.
Answers use the platform's one error shape (shared/web/errors.py).
"""
from __future__ import annotations

from werkzeug.exceptions import default_exceptions

from services.goals.domain.errors import DomainError
from services.goals.service import StaleVersion
from shared.web.errors import PlatformApi
from shared.store.eventstore import ConcurrencyConflict

STATUS_OF_KIND = {"invalid": 422, "conflict": 409, "not-found": 404}


def answer(api: PlatformApi, status: int, field: str, message: str, code: str):
    error = default_exceptions[status]()
    error.data = {"message": message, "errors": {field: [message]}, "error_code": code}
    return api.handle_http_exception(error)


def register(app, api: PlatformApi) -> None:
    @app.errorhandler(DomainError)
    def refused(error: DomainError):
        message = f"Expected {error.detail}" if error.detail else error.code
        return answer(api, STATUS_OF_KIND[error.kind], error.field, message, error.code)

    @app.errorhandler(StaleVersion)
    def stale(_error):
        return answer(api, 412, "If-Match", "The goal has changed since that version; GET it again",
                      "stale-version")

    @app.errorhandler(ConcurrencyConflict)
    def lost_race(_error):
        return answer(api, 409, "version", "Another change was stored at the same time; GET and retry",
                      "concurrent-update")
