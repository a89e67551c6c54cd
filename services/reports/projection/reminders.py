"""Handlers of reminder-sent and reminder-failed: delivery counts on the client's summary."""
from __future__ import annotations

from shared.events.envelope import CloudEvent
from shared.projection import Upsert
from services.reports.documents import CLIENT_SUMMARY, client_summary_id


def _count(field: str):
    def handle(event: CloudEvent, _ctx=None) -> list:
        client_id = event.data["client_id"]
        return [Upsert(CLIENT_SUMMARY, client_summary_id(event.clinicid, client_id), {
            "$set": {"clinic_id": event.clinicid, "client_id": client_id}, "$inc": {field: 1}})]
    handle.__name__ = f"count_{field}"
    return handle


reminder_sent = _count("reminders_sent")
reminder_failed = _count("reminders_failed")
