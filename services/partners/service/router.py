"""The router: a batch of events into the feeds of the subscriptions that should receive them.

For each event of a subscribable type, the active subscriptions of its clinic that
take its type, whose filters let it through (domain/filters.py) and whose partner the
client's consent includes at the event's time (domain/consent.py) get one entry: the
partner CloudEvent (domain/partner_view.py) with the next seq of the subscription.
A batch costs one read of the clinics' subscriptions, then per clinic one of its clients'
consent records and one of its goals' categories, then per subscription that gets entries:
one read of which events it holds already, one ``$inc`` reserving the seqs and one
insert. An event the subscription holds already (a redelivered batch, a retried
one) adds nothing: (subscription_id, source_event_id) is unique.

It runs as the projection's ``after``, once the batch's consent and category changes
are written, and never in a rebuild (``ctx.replaying``).
"""
from __future__ import annotations

from collections import defaultdict

from shared.contract.envelope import CloudEvent
from shared.domain.time import Clock, instant, utc_now
from shared.store.projection import Context

from services.partners.domain.consent import shares
from services.partners.domain.feed import entry_id
from services.partners.domain.filters import filtered, goal_ids
from services.partners.domain.partner_view import partner_event
from services.partners.domain.pseudonyms import PartnerPseudonyms
from services.partners.domain.subscription import SUBSCRIBABLE
from services.partners.metrics import ROUTED
from services.partners.store.feed import FeedStore
from services.partners.store.projected import ProjectedStore
from services.partners.store import webhooks
from services.partners.store.subscriptions import SubscriptionStore


class Router:
    def __init__(self, pseudonym_secret: str, clock: Clock = utc_now) -> None:
        self.secret, self.clock = pseudonym_secret, clock

    def route(self, ctx: Context, events: list[CloudEvent]) -> None:
        if ctx.replaying:
            return
        events = [event for event in events if event.type in SUBSCRIBABLE]
        if not events:
            return
        subscriptions = SubscriptionStore(ctx.db).active_in(sorted({event.clinicid for event in events}))
        if not subscriptions:
            return
        projected = ProjectedStore(ctx.db)
        by_clinic = defaultdict(list)
        for subscription in subscriptions:
            by_clinic[subscription["clinic_id"]].append(subscription)
        for clinic_id, of_clinic in by_clinic.items():
            mine = [event for event in events if event.clinicid == clinic_id]
            consents = projected.consents_of(clinic_id, {event.data["client_id"] for event in mine})
            categories = projected.categories_of(clinic_id, {goal for event in mine for goal in goal_ids(event)})
            for subscription in of_clinic:
                chosen = [kept for kept in (self._kept(event, subscription, consents, categories) for event in mine)
                          if kept is not None]
                self._append(ctx, subscription, chosen)

    @staticmethod
    def _kept(event: CloudEvent, subscription: dict, consents: dict, categories: dict) -> CloudEvent | None:
        """The event as the subscription receives it (filtered), or None."""
        if event.type not in subscription["event_types"]:
            return None
        if not shares(consents.get(event.data["client_id"]), subscription["partner_id"], instant(event.time)):
            return None
        return filtered(event, subscription["filters"], categories)

    def _append(self, ctx: Context, subscription: dict, events: list[CloudEvent]) -> None:
        if not events:
            return
        feed = FeedStore(ctx.db)
        known = feed.known(subscription["_id"], [event.id for event in events])
        new = list({event.id: event for event in reversed(events) if event.id not in known}.values())[::-1]
        if not new:
            return
        last = SubscriptionStore(ctx.db).reserve(subscription["_id"], len(new))
        pseudonyms = PartnerPseudonyms(self.secret, subscription["partner_id"])
        now = self.clock()
        feed.append([self._entry(subscription["_id"], seq, event, pseudonyms, now)
                     for seq, event in enumerate(new, start=last - len(new) + 1)])
        if subscription.get("url"):
            webhooks.make_due(ctx.db, subscription["_id"], now)  # after the entries are there (store/webhooks.py)
        ROUTED.labels(subscription["_id"]).inc(len(new))

    @staticmethod
    def _entry(subscription_id: str, seq: int, event: CloudEvent, pseudonyms: PartnerPseudonyms, now) -> dict:
        view = partner_event(event, pseudonyms)
        return {"_id": entry_id(subscription_id, seq), "subscription_id": subscription_id, "seq": seq,
                "source_event_id": event.id, "client_id": event.data["client_id"], "pseudonym": view["pseudonym"],
                "type": event.type, "time": instant(event.time), "event": view, "recorded_at": now}
