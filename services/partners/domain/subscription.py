"""A subscription: a partner's standing order for a clinic's events of some types (pure).

The document: docs/partners-service.md, "Subscriptions".
Signing secrets are Standard Webhooks secrets, ``whsec_`` + base64 of 32 random
bytes, newest first; a rotation gives the previous unexpired ones an expiry
``grace`` from now, so a partner can switch over while both verify.
"""
from __future__ import annotations

import base64
import secrets
from datetime import datetime, timedelta

from shared.contract import types as t
from shared.contract.registry import EVENT_TYPES

# what a partner may subscribe to: every published type but the consent record (it names partners)
SUBSCRIBABLE = tuple(name for name in EVENT_TYPES if name != t.SHARING_CHANGED)
ACTIVE, PAUSED = "active", "paused"
STATUSES = (ACTIVE, PAUSED)
CHANNELS = ("webhook", "kafka")  # the push channels, each with its cursor (the pull feed's cursor is the partner's)
SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def new_subscription(subscription_id: str, clinic_id: str, fields: dict, now: datetime) -> dict:
    """The document of a new active subscription, with its first signing secret."""
    return {"_id": subscription_id, "clinic_id": clinic_id, "partner_id": fields["partner_id"],
            "event_types": list(fields["event_types"]), "filters": normal_filters(fields.get("filters")),
            "url": fields.get("url"), "status": ACTIVE, "deleted_at": None,
            "secrets": [{"secret": new_secret(), "created_at": now, "expires_at": None}],
            "created_at": now, "updated_at": now, "version": 1, "seq": 0, "kafka": None,
            "cursors": dict.fromkeys(CHANNELS, 0)}


def normal_filters(filters: dict | None) -> dict:
    """The filters as stored: the listed categories, sorted and without repeats (none: every category)."""
    return {"categories": sorted(set((filters or {}).get("categories") or ()))}


def patched(patch: dict) -> dict:
    """The stored fields a PATCH sets (status, event_types, filters, url)."""
    values = {key: patch[key] for key in ("status", "url") if key in patch}
    if "event_types" in patch:
        values["event_types"] = list(patch["event_types"])
    if "filters" in patch:
        values["filters"] = normal_filters(patch["filters"])
    return values


def rotated(current: list[dict], now: datetime, grace: timedelta) -> list[dict]:
    """A new secret first, the still-valid ones after it expiring within `grace` (the expired ones dropped)."""
    ends = now + grace
    kept = [{**old, "expires_at": min(old["expires_at"] or ends, ends)} for old in verifying(current, now)]
    return [{"secret": new_secret(), "created_at": now, "expires_at": None}, *kept]


def verifying(current: list[dict], now: datetime) -> list[dict]:
    """The secrets that still verify at `now` (a delivery is signed with each of them), newest first."""
    return [entry for entry in current if entry["expires_at"] is None or entry["expires_at"] > now]
