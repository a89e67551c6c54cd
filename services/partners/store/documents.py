"""The collections of the partners database (docs/partners-service.md).

``subscriptions`` and ``feed`` are the service's own records: written by the API and
the router, never rebuilt. ``consents`` and ``goal_categories`` are the router's
projections of the goal events (projection/), which a rebuild may replace.
``deliveries`` is the webhook channel's log of attempts, ``parked`` its dead letters and ``redeliveries``
the entries asked to be sent again (store/webhooks.py).
"""
from __future__ import annotations

SUBSCRIPTIONS = "subscriptions"
FEED = "feed"
CONSENTS = "consents"
GOAL_CATEGORIES = "goal_categories"
DELIVERIES = "deliveries"
PARKED = "parked"
REDELIVERIES = "redeliveries"

PROJECTED = (CONSENTS, GOAL_CATEGORIES)  # what projection/ writes and rebuild.py replaces
