"""make up's development profile lets partner and reminder webhooks reach loopback; the others allow what they
are told."""
from __future__ import annotations

from deploy.processes import profile_env
from shared.web.outbound import LOOPBACK


def test_the_development_profile_allows_loopback_unless_told_otherwise():
    assert profile_env("dev", {})["PARTNERS_ALLOWED_NETWORKS"] == LOOPBACK
    assert profile_env("dev", {})["REMINDERS_ALLOWED_NETWORKS"] == LOOPBACK
    assert profile_env("dev", {"PARTNERS_ALLOWED_NETWORKS": "10.0.0.0/8"})["PARTNERS_ALLOWED_NETWORKS"] == "10.0.0.0/8"
    assert "PARTNERS_ALLOWED_NETWORKS" not in profile_env("cluster", {})
