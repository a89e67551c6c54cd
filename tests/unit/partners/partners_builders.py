"""Builders of the partners tests: a client's story (the reports tests' Story) that can also change its sharing."""
from __future__ import annotations

from datetime import datetime

from shared.contract import types as t
from tests.unit.reports.reports_builders import Story, iso


class SharingStory(Story):
    """A Story whose client also records sharing-changed events (on their stream per clinic and client)."""

    def share(self, at: datetime, scope: str = "all", partner_ids: tuple[str, ...] = ()):
        return self._event(t.SHARING_CHANGED, f"sharing:{self.clinic}:{self.client}", {
            "client_id": self.client, "scope": scope, "partner_ids": list(partner_ids), "changed_at": iso(at)}, at)
