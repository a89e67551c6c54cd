"""What every partners view needs: the service, the caller, the roles, the version as ETag."""
from __future__ import annotations

from flask import current_app

from services.partners.service.subscriptions import SubscriptionsService
from shared.web.auth import principal, requires

admin_only = requires("clinic_admin")
partner_only = requires("partner")
IF_MATCH = {"in": "header", "name": "If-Match", "required": False, "schema": {"type": "string"},
            "description": 'The ETag of the version the change is based on, e.g. "3"; 412 `stale-version` when '
                           'the subscription has changed since'}


def service() -> SubscriptionsService:
    return current_app.extensions["partners_service"]


def clinic() -> str:
    """The tenant: always the token's clinic."""
    return principal().clinic_id


def versioned(doc: dict, status: int = 200, location: str | None = None):
    """The subscription with the strong ETag of its version (and a Location for a 201)."""
    return doc, status, {"ETag": f'"{doc["version"]}"', **({"Location": location} if location else {})}
