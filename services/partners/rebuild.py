"""Rebuild the partners router's projections (``consents``, ``goal_categories``) from the event topics.

``python -m services.partners.rebuild`` replays every event into fresh collections,
swaps them in, then catches up (shared.messaging.replay). Stop the router first (it
refuses while the router's consumer group has members). A rebuild routes nothing:
the feeds, their seqs and every channel's cursor stay as they are, so no partner is
sent a past entry again. Exit code 0 on success, 2 when the router is still running.
"""
from __future__ import annotations

import sys

from services.partners.projection import partners_projection
from services.partners.service.router import Router
from services.partners.settings import PartnersSettings
from shared.messaging import replay


def main() -> int:
    settings = PartnersSettings()
    return replay.main(partners_projection(Router(settings.pseudonym_secret)), settings)


if __name__ == "__main__":
    sys.exit(main())
