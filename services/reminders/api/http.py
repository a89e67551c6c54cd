"""What every reminders view needs: the service, the caller's clinic, the roles allowed."""
from __future__ import annotations

from flask import current_app

from services.reminders.service import RemindersService
from shared.web.auth import STAFF, principal, requires

staff_only = requires(*STAFF)
admin_only = requires("clinic_admin")


def service() -> RemindersService:
    return current_app.extensions["reminders_service"]


def clinic() -> str:
    """The tenant: always the token's clinic."""
    return principal().clinic_id
