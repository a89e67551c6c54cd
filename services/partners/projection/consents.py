"""sharing-changed into the client's consent record (`consents`, one per clinic and client: the goals service
records sharing per clinic and client; domain/consent.py reads it)."""
from __future__ import annotations

from shared.contract.envelope import CloudEvent
from shared.domain.time import instant
from shared.store.mongo import compound_id
from shared.store.projection import Upsert

from services.partners.store.documents import CONSENTS


def sharing_changed(event: CloudEvent) -> list[Upsert]:
    data = event.data
    choice = {"scope": data["scope"], "partner_ids": list(data["partner_ids"]),
              "changed_at": instant(data["changed_at"])}
    return [Upsert(CONSENTS, compound_id(event.clinicid, data["client_id"]),
                   {"$set": {"clinic_id": event.clinicid, "client_id": data["client_id"], **choice,
                             "seq": event.sequence},
                    "$push": {"history": choice}})]
