"""Handlers of reminder-sent and reminder-failed: delivery counts on the client's summary."""
from __future__ import annotations

from shared.contract.envelope import CloudEvent
from services.reports.projection.aggregates import summary_changes


def _count(field: str):
    def handle(event: CloudEvent, ctx=None) -> list:
        return summary_changes(event, ctx, {"$inc": {field: 1}})
    handle.__name__ = f"count_{field}"
    return handle


reminder_sent = _count("reminders_sent")
reminder_failed = _count("reminders_failed")
