"""The subscription use cases of a clinic admin (load, decide, save), and the partner's pull feed.

The clinic is always the caller's token's: another clinic's subscription is not
found. A partner reads the feed of a subscription made for it (`partner_id` = its
token's subject) in its token's clinic; any other is not found either.
"""
from __future__ import annotations

import uuid

from shared.domain.time import Clock, utc_now
from shared.web.outbound import check_target

from services.partners.domain import subscription as rules
from services.partners.domain.errors import StaleVersion, SubscriptionNotFound
from services.partners.domain.feed import cursor
from services.partners.service.feed import FeedReader
from services.partners.store import webhooks
from services.partners.store.subscriptions import SubscriptionStore

ATTEMPTS = 5  # reads of a subscription that others keep changing before a change gives up (412)


class SubscriptionsService:
    def __init__(self, db, settings, clock: Clock = utc_now) -> None:
        self.store, self.reader = SubscriptionStore(db), FeedReader(db, clock)
        self.grace, self.clock = settings.secret_grace, clock
        self.allowed_networks = settings.allowed_networks

    def create(self, clinic_id: str, fields: dict) -> dict:
        """A new active subscription; the answer holds its signing secret, this once."""
        if fields.get("url"):
            check_target(fields["url"], self.allowed_networks)
        doc = rules.new_subscription(str(uuid.uuid4()), clinic_id, fields, self.clock())
        self.store.insert(doc)
        return {**doc, "secret": doc["secrets"][0]["secret"]}

    def page(self, clinic_id: str, page: int, page_size: int) -> dict:
        return self.store.page(clinic_id, page, page_size)

    def get(self, clinic_id: str, subscription_id: str) -> dict:
        doc = self.store.get(clinic_id, subscription_id)
        if doc is None:
            raise SubscriptionNotFound()
        return doc

    def change(self, clinic_id: str, subscription_id: str, patch: dict, expected: frozenset[int] | None) -> dict:
        """Apply the merge patch (status, event_types, filters, url); StaleVersion if If-Match names another."""
        if patch.get("url"):
            check_target(patch["url"], self.allowed_networks)
        woken = webhooks.woken(self.clock()) if "status" in patch or "url" in patch else {}  # a resume, a new URL
        return self._change(clinic_id, subscription_id, expected, lambda doc: {**rules.patched(patch), **woken})

    def delete(self, clinic_id: str, subscription_id: str) -> None:
        """Soft-delete: nothing is routed to it or delivered any more, and it is not found from now on."""
        self._change(clinic_id, subscription_id, None, lambda doc: {"deleted_at": self.clock()})

    def rotate_secret(self, clinic_id: str, subscription_id: str) -> dict:
        """A new signing secret (shown this once); the previous ones verify for the grace period."""
        now = self.clock()
        doc = self._change(clinic_id, subscription_id, None, lambda doc: {
            "secrets": rules.rotated(doc["secrets"], now, self.grace)})
        previous = [entry["expires_at"] for entry in doc["secrets"][1:]]
        return {"subscription_id": doc["_id"], "secret": doc["secrets"][0]["secret"],
                "previous_expires_at": max(previous, default=None)}

    def feed(self, clinic_id: str, partner_id: str, subscription_id: str, after: str | None, limit: int) -> dict:
        """The partner's next events of the subscription after the cursor, and the cursor after them."""
        doc = self.store.get(clinic_id, subscription_id)
        if doc is None or doc["partner_id"] != partner_id:
            raise SubscriptionNotFound()
        batch = self.reader.page(doc, cursor(after), limit)
        return {"events": [entry["event"] for entry in batch.entries], "next": str(batch.last)}

    def _change(self, clinic_id: str, subscription_id: str, expected, decide) -> dict:
        """Load, decide, save under the version read; a concurrent change is read again (ATTEMPTS times)."""
        for _ in range(ATTEMPTS):
            doc = self.get(clinic_id, subscription_id)
            if expected is not None and doc["version"] not in expected:
                raise StaleVersion()
            changed = self.store.change(doc, decide(doc), self.clock())
            if changed is not None:
                return changed
        raise StaleVersion()
