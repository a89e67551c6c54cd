"""Handlers of reminder-sent and reminder-failed: delivery counts on the client's summary."""
from __future__ import annotations

from services.reports.projection.aggregates import summary_change
from shared.contract.envelope import CloudEvent


def reminder_sent(event: CloudEvent) -> list:
    return [summary_change(event, {"$inc": {"reminders_sent": 1}})]


def reminder_failed(event: CloudEvent) -> list:
    return [summary_change(event, {"$inc": {"reminders_failed": 1}})]
