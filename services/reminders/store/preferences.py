"""Reminder preferences: the clinic's defaults and each client's own, merged field by field.

Effective preferences = the domain's defaults, overridden by the clinic's
(``PUT /v1/clinic/preferences``), overridden by the client's
(``PUT /v1/clients/{id}/preferences``). A field left out (or null) inherits;
quiet hours are set as a pair. Stored values are JSON-like (times "HH:MM",
offsets in minutes); :func:`to_preferences` makes the domain's Preferences,
which validates the whole (errors name the API field).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from services.reminders.domain.errors import InvalidPreferences
from services.reminders.domain.preferences import Preferences
from services.reminders.store.documents import CLIENT_PREFERENCES, CLINIC_PREFERENCES, client_key

SHARED_FIELDS = ("timezone", "quiet_start", "quiet_end", "local_send_time", "session_offsets_minutes", "webhook_url")
CLINIC_FIELDS = SHARED_FIELDS + ("milestone_due_soon_days", "follow_up_days")
CLIENT_FIELDS = SHARED_FIELDS + ("channels",)
DEFAULTS = {"timezone": "UTC", "quiet_start": "22:00", "quiet_end": "07:00", "local_send_time": "09:00",
            "session_offsets_minutes": [1440, 60], "milestone_due_soon_days": 2, "follow_up_days": 14,
            "channels": ["webhook"], "webhook_url": None}
API_FIELD = {"session_offsets": "session_offsets_minutes"}


@dataclass(frozen=True)
class Effective:
    preferences: Preferences
    values: dict            # the merged stored values, as the API shows them
    channels: tuple[str, ...]
    webhook_url: str | None


def merged(*layers: dict) -> dict:
    values = dict(DEFAULTS)
    for layer in layers:
        values.update({name: layer[name] for name in DEFAULTS if layer.get(name) is not None})
    return values


def to_preferences(values: dict) -> Preferences:
    """The domain's Preferences of merged values; InvalidPreferences names the API field."""
    try:
        return Preferences(timezone=values["timezone"], quiet_start=time.fromisoformat(values["quiet_start"]),
                           quiet_end=time.fromisoformat(values["quiet_end"]),
                           local_send_time=time.fromisoformat(values["local_send_time"]),
                           session_offsets=tuple(timedelta(minutes=m) for m in values["session_offsets_minutes"]),
                           milestone_due_soon_days=values["milestone_due_soon_days"],
                           follow_up_days=values["follow_up_days"])
    except InvalidPreferences as error:
        raise InvalidPreferences(API_FIELD.get(error.field, error.field), error.detail) from None


def effective(values: dict) -> Effective:
    return Effective(to_preferences(values), values, tuple(values["channels"]), values["webhook_url"])


class PreferenceStore:
    def __init__(self, db):
        self.clients, self.clinics = db[CLIENT_PREFERENCES], db[CLINIC_PREFERENCES]

    def clinic(self, clinic_id: str) -> dict:
        return self.clinics.find_one({"_id": clinic_id}) or {}

    def client(self, clinic_id: str, client_id: str) -> dict:
        return self.clients.find_one({"_id": client_key(clinic_id, client_id)}) or {}

    def effective(self, clinic_id: str, client_id: str) -> Effective:
        return effective(merged(self.clinic(clinic_id), self.client(clinic_id, client_id)))

    def merged_of(self, clients: set[tuple[str, str]]) -> dict[tuple[str, str], dict]:
        """The merged stored values of many (clinic id, client id) with two reads; unchecked (see effective)."""
        clinics = {doc["_id"]: doc for doc in self.clinics.find({"_id": {"$in": sorted({c for c, _ in clients})}})}
        keys = {client_key(clinic_id, client_id): (clinic_id, client_id) for clinic_id, client_id in clients}
        own = {keys[doc["_id"]]: doc for doc in self.clients.find({"_id": {"$in": sorted(keys)}})}
        return {pair: merged(clinics.get(pair[0], {}), own.get(pair, {})) for pair in clients}

    def save_clinic(self, clinic_id: str, values: dict, by: str, now: datetime) -> dict:
        """Replace the clinic's defaults (after checking the merge is valid)."""
        effective(merged(values))
        document = {**{name: values.get(name) for name in CLINIC_FIELDS}, "clinic_id": clinic_id,
                    "updated_at": now, "updated_by": by}
        self.clinics.replace_one({"_id": clinic_id}, document, upsert=True)
        return document

    def save_client(self, clinic_id: str, client_id: str, values: dict, by: str, now: datetime) -> dict:
        """Replace the client's preferences (after checking the merge with the clinic's is valid)."""
        effective(merged(self.clinic(clinic_id), values))
        document = {**{name: values.get(name) for name in CLIENT_FIELDS}, "clinic_id": clinic_id,
                    "client_id": client_id, "updated_at": now, "updated_by": by}
        self.clients.replace_one({"_id": client_key(clinic_id, client_id)}, document, upsert=True)
        return document
