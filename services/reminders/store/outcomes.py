"""What an attempt changes on the reminder, and the event it leaves in the outbox.

Delivered → ``sent`` with a ``reminder-sent`` event; a retryable failure with
attempts left → ``pending`` again at ``send_at`` = now + exponential backoff
(nobody sleeps); otherwise → ``failed`` with a ``reminder-failed`` event.
Events: topic reminders-events (registry), key = client id, subject =
reminder id, sequence = the delivery's number (1 unless it was snoozed after
being sent), id derived from both so a republished event keeps its id.
The outcome waits in ``outcome`` with ``published: false`` until Kafka has it.
"""
from __future__ import annotations

import uuid
from datetime import datetime

from services.reminders.domain.delivery import Attempt, retry_delay
from services.reminders.settings import RemindersSettings
from shared.contract.envelope import CloudEvent
from shared.contract.registry import validate
from shared.contract.types import REMINDER_FAILED, REMINDER_SENT

SOURCE = "/therapy-goals/reminders"
EVENT_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:therapy-goals:reminder-outcomes")


def attempted(doc: dict, attempt: Attempt, at: datetime, settings: RemindersSettings) -> tuple[dict, str]:
    """(the update, the result for metrics: sent, retry or failed); ``doc`` is held under its lease."""
    attempts = doc.get("attempts", 0) + 1
    entry = {"at": at, "attempt": attempts, "result": attempt.result, "status_code": attempt.status_code}
    values = {"attempts": attempts, "lease_owner": None, "lease_expires_at": None, "updated_at": at}
    if attempt.delivered:
        deliveries = doc.get("deliveries", 0) + 1
        values.update(status="sent", deliveries=deliveries, sent_at=at,
                      outcome=outcome(doc, REMINDER_SENT, at, attempts, deliveries))
        result = "sent"
    elif attempt.retryable and attempts < settings.max_attempts:
        values.update(status="pending", send_at=at + retry_delay(attempts, settings.retry_base, settings.retry_max))
        result = "retry"
    else:
        values.update(status="failed", outcome=outcome(doc, REMINDER_FAILED, at, attempts,
                                                       doc.get("deliveries", 0) + 1, attempt.result))
        result = "failed"
    return {"$set": values, "$push": {"history": entry}}, result


def expired(at: datetime) -> dict:
    return {"$set": {"status": "expired", "lease_owner": None, "lease_expires_at": None, "updated_at": at}}


def outcome(doc: dict, event_type: str, at: datetime, attempts: int, sequence: int, error: str | None = None) -> dict:
    event = outcome_event(doc, event_type, at, attempts, sequence, error)
    return {"type": event_type, "sequence": sequence, "attempted_at": at, "error": error, "published": False,
            "by": doc.get("lease_owner"), "event": event.to_dict()}


def outcome_event(doc: dict, event_type: str, at: datetime, attempts: int, sequence: int,
                  error: str | None = None) -> CloudEvent:
    data = {"reminder_id": doc["_id"], "client_id": doc["client_id"], "kind": doc["kind"],
            "goal_id": doc.get("goal_id"), "milestone_id": doc.get("milestone_id"),
            "session_id": doc.get("session_id"), "due_at": doc["due_at"].isoformat(),
            "attempted_at": at.isoformat(), "attempts": attempts, **({"error": error} if error else {})}
    validate(event_type, 1, data)
    return CloudEvent(type=event_type, source=SOURCE, subject=doc["_id"], schemaversion=1,
                      clinicid=doc["clinic_id"], sequence=sequence, partitionkey=doc["client_id"], data=data,
                      id=str(uuid.uuid5(EVENT_NAMESPACE, f"{doc['_id']}:{sequence}")),
                      time=at.isoformat(timespec="milliseconds").replace("+00:00", "Z"))
