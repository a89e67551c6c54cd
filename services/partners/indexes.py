"""Every index of the partners database and the queries it serves (shared.store.indexes), in one place.

The API, the router and the deliverer create them at start-up. A store module that
adds a query declares its shape (and, if no index serves it, the index) in its own
``INDEXES``; a new store module adds its ``INDEXES`` here. The projections
(``consents``, ``goal_categories``) are read and written by ``_id`` only.
"""
from __future__ import annotations

from services.partners.store import deliveries, feed, subscriptions, webhooks

DECLARED = subscriptions.INDEXES + feed.INDEXES + webhooks.INDEXES + deliveries.INDEXES
