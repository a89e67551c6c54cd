"""What every partners view needs: the service, the caller, the roles, versions (ETag/If-Match)."""
from __future__ import annotations

from flask import current_app, request

from services.partners.service.subscriptions import SubscriptionsService
from shared.web.auth import principal, requires

admin_only = requires("clinic_admin")
partner_only = requires("partner")
ETAG = {"ETag": {"description": 'The version, e.g. "3"; send it back in If-Match', "schema": {"type": "string"}}}
IF_MATCH = {"in": "header", "name": "If-Match", "required": False, "schema": {"type": "string"},
            "description": 'The ETag of the version the change is based on, e.g. "3"; 412 `stale-version` when '
                           'the subscription has changed since'}


def service() -> SubscriptionsService:
    return current_app.extensions["partners_service"]


def clinic() -> str:
    """The tenant: always the token's clinic."""
    return principal().clinic_id


def expected_versions() -> frozenset[int] | None:
    """The versions If-Match accepts (strong comparison); None when absent or `*`."""
    if_match = request.if_match
    if not if_match or if_match.star_tag:
        return None
    tags = (tag or "" for tag in if_match.as_set())
    return frozenset(int(tag) for tag in tags if tag.isascii() and tag.isdigit() and len(tag) < 19)


def versioned(doc: dict, status: int = 200, location: str | None = None):
    """The subscription with the strong ETag of its version (and a Location for a 201)."""
    return doc, status, {"ETag": f'"{doc["version"]}"', **({"Location": location} if location else {})}
