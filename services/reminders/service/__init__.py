"""The reminders service's use cases, each load → decide → save (or load → compute for reads).

Here the API's, for the clinic of the caller (``RemindersService``); planning
reminders from facts in ``planner.py``; delivering due reminders in
``dispatcher.py``, with the webhook channel's HTTP client in ``webhook.py``.
The dispatcher process (worker.py) runs the last two.
"""
from __future__ import annotations

from datetime import datetime

from services.reminders.domain.delivery import ACKNOWLEDGEABLE, MAX_SNOOZE, SNOOZABLE, snoozed_until
from services.reminders.domain.errors import InvalidRequest, ReminderNotFound, StatusConflict
from services.reminders.store.planning import request_planning
from services.reminders.store.preferences import CLIENT_FIELDS, CLINIC_FIELDS, PreferenceStore, merged
from services.reminders.store.reminders import ReminderStore
from shared.domain.time import Clock, utc_now
from shared.web.outbound import IPNetwork, check_target


class RemindersService:
    def __init__(self, db, clock: Clock = utc_now, allowed_networks: tuple[IPNetwork, ...] = ()):
        self.db, self.clock, self.allowed_networks = db, clock, allowed_networks
        self.reminders, self.preferences = ReminderStore(db), PreferenceStore(db)

    def list(self, clinic_id: str, **query) -> dict:
        return self.reminders.page(clinic_id, **query)

    def get(self, clinic_id: str, reminder_id: str) -> dict:
        doc = self.reminders.get(clinic_id, reminder_id)
        if doc is None:
            raise ReminderNotFound()
        return doc

    def acknowledge(self, clinic_id: str, reminder_id: str, by: str) -> dict:
        """A pending or sent reminder is acknowledged (again: no change); it will not be sent (again)."""
        doc = self.get(clinic_id, reminder_id)
        if doc["status"] == "acknowledged":
            return doc
        if doc["status"] not in ACKNOWLEDGEABLE:
            raise StatusConflict(doc["status"], "acknowledged")
        return self._change(doc, "acknowledged", {"status": "acknowledged", "acknowledged_at": self.clock(),
                                                  "acknowledged_by": by})

    def snooze(self, clinic_id: str, reminder_id: str, minutes: int | None = None,
               until: datetime | None = None) -> dict:
        """Send a pending or sent reminder (again) later; quiet hours hold it like any other."""
        now = self.clock()
        if until is not None and not now < until <= now + MAX_SNOOZE:
            raise InvalidRequest("until", "a time in the future, within a year")
        doc = self.get(clinic_id, reminder_id)
        if doc["status"] not in SNOOZABLE:
            raise StatusConflict(doc["status"], "snoozed")
        prefs = self.preferences.effective(clinic_id, doc["client_id"]).preferences
        due = snoozed_until(now, prefs, minutes, until)
        return self._change(doc, "snoozed", {"status": "pending", "due_at": due, "send_at": due,
                                             "snoozed_until": due, "attempts": 0})

    def _change(self, doc: dict, action: str, values: dict) -> dict:
        changed = self.reminders.change(doc, values, self.clock())
        if changed is None:  # a dispatcher or another request changed it first
            raise StatusConflict(self.get(doc["clinic_id"], doc["_id"])["status"], action)
        return changed

    def _check_webhook(self, values: dict) -> None:
        if values.get("webhook_url"):
            check_target(values["webhook_url"], self.allowed_networks, "webhook_url")

    def client_preferences(self, clinic_id: str, client_id: str) -> dict:
        stored = self.preferences.client(clinic_id, client_id)
        values = merged(self.preferences.clinic(clinic_id), stored)
        return {**{name: stored.get(name) for name in CLIENT_FIELDS}, "client_id": client_id,
                "updated_at": stored.get("updated_at"), "effective": values}

    def set_client_preferences(self, clinic_id: str, client_id: str, values: dict, by: str) -> dict:
        """Replace the client's preferences; their pending reminders are planned again."""
        self._check_webhook(values)
        self.preferences.save_client(clinic_id, client_id, values, by, self.clock())
        request_planning(self.db, clinic_id, self.clock(), client_id)
        return self.client_preferences(clinic_id, client_id)

    def clinic_preferences(self, clinic_id: str) -> dict:
        stored = self.preferences.clinic(clinic_id)
        return {**{name: stored.get(name) for name in CLINIC_FIELDS}, "updated_at": stored.get("updated_at"),
                "effective": merged(stored)}

    def set_clinic_preferences(self, clinic_id: str, values: dict, by: str) -> dict:
        """Replace the clinic's defaults; every pending reminder of the clinic is planned again."""
        self._check_webhook(values)
        self.preferences.save_clinic(clinic_id, values, by, self.clock())
        request_planning(self.db, clinic_id, self.clock())
        return self.clinic_preferences(clinic_id)
