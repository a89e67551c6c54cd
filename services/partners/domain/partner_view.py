"""The partner CloudEvent: an internal event without its personal fields and with every identifier
replaced by the partner's pseudonym of it (pure).

Starting from shared.contract.redaction.partner_view (fields marked personal removed):

- ``data.client_id`` becomes ``data.pseudonym``, and the envelope's ``partitionkey`` (the client id)
  becomes the extension ``pseudonym``: the same value, the partner's handle on one client;
- every other ``*_id`` in the data, at any depth (goal_id, session_id, milestone_id, clinician_id,
  reminder_id, the goal ids of a session's ratings), is the pseudonym of its kind (``goal``...);
- the event ``id`` is the pseudonym of kind ``event``, so a redelivery or replay carries the same id
  (the webhook-id), and the ``subject`` that of the data id it equals (``subject`` if none);
- ``correlationid`` (a request id, which two partners could join on) is dropped.

``clinicid``, ``type``, ``time``, ``specversion``, ``schemaversion``, ``source``, ``sequence`` stay.
"""
from __future__ import annotations

from typing import Any

from shared.contract.envelope import CloudEvent
from shared.contract.redaction import partner_view

from services.partners.domain.pseudonyms import PartnerPseudonyms

CLIENT_ID = "client_id"
ID_SUFFIX = "_id"
KEPT = ("specversion", "type", "source", "time", "datacontenttype", "schemaversion", "clinicid", "sequence")


def partner_event(event: CloudEvent, pseudonyms: PartnerPseudonyms) -> dict[str, Any]:
    """The event as the partner receives it (a CloudEvents 1.0 JSON object)."""
    data = partner_view(event).data
    kinds = dict(id_kinds(data))
    envelope = {name: getattr(event, name) for name in KEPT}
    return {**envelope, "id": pseudonyms.of("event", event.id),
            "subject": pseudonyms.of(kinds.get(event.subject, "subject"), event.subject),
            "pseudonym": pseudonyms.of("client", event.data[CLIENT_ID]), "data": pseudonymised(data, pseudonyms)}


def pseudonymised(value: Any, pseudonyms: PartnerPseudonyms) -> Any:
    """The data with each `<kind>_id` replaced by its pseudonym, the client id named `pseudonym`."""
    if isinstance(value, list):
        return [pseudonymised(item, pseudonyms) for item in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        if key.endswith(ID_SUFFIX) and isinstance(item, str):
            kind = key.removesuffix(ID_SUFFIX)
            out["pseudonym" if key == CLIENT_ID else key] = pseudonyms.of(kind, item)
        else:
            out[key] = pseudonymised(item, pseudonyms)
    return out


def id_kinds(value: Any):
    """(id value, kind) of every `<kind>_id` string in the data, at any depth."""
    if isinstance(value, list):
        for item in value:
            yield from id_kinds(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key.endswith(ID_SUFFIX) and isinstance(item, str):
                yield item, key.removesuffix(ID_SUFFIX)
            else:
                yield from id_kinds(item)
