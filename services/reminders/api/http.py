"""What every reminders view needs: the service, the caller's clinic, refusals as HTTP."""
from __future__ import annotations

import functools

from flask import current_app

from services.reminders.domain.errors import ReminderRuleError
from services.reminders.service import ReminderNotFound, RemindersService, StatusConflict
from shared.web.auth import STAFF, principal, requires
from shared.web.errors import reject

staff_only = requires(*STAFF)
admin_only = requires("clinic_admin")


def service() -> RemindersService:
    return current_app.extensions["reminders_service"]


def clinic() -> str:
    """The tenant: always the token's clinic."""
    return principal().clinic_id


def refusals_as_http(view):
    """The service's refusals as the platform's JSON errors: 404, 409 or 422 naming the field."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except ReminderNotFound:
            reject(404, "reminder_id", "No such reminder in your clinic", "reminder-not-found")
        except StatusConflict as conflict:
            reject(409, "status", f"A {conflict.status} reminder cannot be {conflict.action}", "status-conflict")
        except ReminderRuleError as error:
            reject(422, error.field, error.detail, error.code)
    return wrapper
