"""The partners router ("partners-router"): goal and reminder events into partner feeds.

Two small projections come first, written by the runtime under the sequence guard
(shared.store.projection): ``consents`` (sharing-changed) and ``goal_categories``
(goal-created). Then, once a batch's changes are written, the router
(service/router.py) appends each event to the feeds of the clinic's active
subscriptions for its type that its filters and the client's consent let it through
(the projection's ``after``). Every subscribable type has a handler, most of them
none of the projections' changes, so that the runtime hands them on to the router.

A rebuild (rebuild.py) replays into fresh projections and routes nothing; the feed,
its seqs and the channels' cursors are never rebuilt, so no partner is sent a past
entry again.
"""
from __future__ import annotations

from services.partners.domain.subscription import SUBSCRIBABLE
from services.partners.indexes import DECLARED
from services.partners.projection.consents import sharing_changed
from services.partners.projection.goals import goal_created
from services.partners.service.router import Router
from services.partners.store.documents import PROJECTED
from shared.contract import types as t
from shared.messaging.topics import GOALS_EVENTS, REMINDERS_EVENTS
from shared.store.projection import Projection

NAME = "partners-router"


def routed_only(_event) -> list:
    return []


HANDLERS = {**dict.fromkeys(SUBSCRIBABLE, routed_only), t.GOAL_CREATED: goal_created,
            t.SHARING_CHANGED: sharing_changed}


def partners_projection(router: Router) -> Projection:
    return Projection(name=NAME, topics=(GOALS_EVENTS, REMINDERS_EVENTS), collections=PROJECTED,
                      handlers=HANDLERS, indexes=DECLARED, after=router.route)
