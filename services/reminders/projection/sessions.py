"""Logged sessions into the client's facts (``client_facts``), each with a request to plan the client again."""
from __future__ import annotations

from services.reminders.store.documents import CLIENT_FACTS, PLANNING_REQUESTS, client_key
from services.reminders.store.planning import Subject, request
from shared.contract.envelope import CloudEvent
from shared.domain.time import instant
from shared.store.projection import Change, InsertIfAbsent, Upsert


def session_logged(event: CloudEvent) -> list[Change]:
    data, client = event.data, event.data["client_id"]
    next_session_at = data["next_session_at"]
    session = {"session_id": data["session_id"], "occurred_at": instant(data["occurred_at"]),
               "attended": data["attendance"] == "attended",
               "next_session_at": instant(next_session_at) if next_session_at is not None else None,
               "source": event.id}
    return [Upsert(CLIENT_FACTS, client_key(event.clinicid, client), {
        "$set": {"clinic_id": event.clinicid, "client_id": client}, "$push": {"sessions": session}}),
            InsertIfAbsent(PLANNING_REQUESTS, request(Subject("client", event.clinicid, client, client), event.id,
                                                      instant(event.time)))]
