"""sharing-changed into the client's consent record (`consents`, one per client; domain/consent.py reads it)."""
from __future__ import annotations

from shared.contract.envelope import CloudEvent
from shared.domain.time import instant
from shared.store.projection import Upsert

from services.partners.store.documents import CONSENTS


def sharing_changed(event: CloudEvent) -> list[Upsert]:
    data = event.data
    choice = {"scope": data["scope"], "partner_ids": list(data["partner_ids"]),
              "changed_at": instant(data["changed_at"])}
    return [Upsert(CONSENTS, data["client_id"],
                   {"$set": {"clinic_id": event.clinicid, **choice, "seq": event.sequence},
                    "$push": {"history": choice}})]
