"""The reminders service's settings: the platform's, plus the dispatcher's, from the environment (twelve-factor).

Every value has a working local default; app.py, worker.py and rebuild.py build them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from shared.runtime.config import Settings, env
from shared.web.outbound import IPNetwork, networks

DEV_WEBHOOK_SECRET = "dev-only-webhook-secret-change-me"


@dataclass(frozen=True)
class RemindersSettings(Settings):
    service: str = "reminders"
    dispatch_interval_seconds: float = field(
        default_factory=lambda: float(env("REMINDERS_DISPATCH_INTERVAL_SECONDS", "5")))
    dispatch_threads: int = field(default_factory=lambda: int(env("REMINDERS_DISPATCH_THREADS", "4")))
    webhook_secret: str = field(default_factory=lambda: env("REMINDERS_WEBHOOK_SECRET", DEV_WEBHOOK_SECRET))
    webhook_timeout_seconds: float = field(default_factory=lambda: float(env("REMINDERS_WEBHOOK_TIMEOUT_SECONDS", "5")))
    # the networks the SSRF guard (shared/web/outbound.py) lets a webhook URL reach although not public
    # (comma-separated CIDRs; none by default; make up's development profile allows loopback)
    allowed_networks: tuple[IPNetwork, ...] = field(
        default_factory=lambda: networks(env("REMINDERS_ALLOWED_NETWORKS", "")))
    max_attempts: int = field(default_factory=lambda: int(env("REMINDERS_MAX_ATTEMPTS", "5")))
    retry_base_seconds: float = field(default_factory=lambda: float(env("REMINDERS_RETRY_BASE_SECONDS", "30")))
    retry_max_seconds: float = field(default_factory=lambda: float(env("REMINDERS_RETRY_MAX_SECONDS", "3600")))
    lease_seconds: float = field(default_factory=lambda: float(env("REMINDERS_LEASE_SECONDS", "60")))

    @property
    def lease(self) -> timedelta:
        """How long a claimed reminder stays the claiming dispatcher's."""
        return timedelta(seconds=self.lease_seconds)

    @property
    def retry_base(self) -> timedelta:
        return timedelta(seconds=self.retry_base_seconds)

    @property
    def retry_max(self) -> timedelta:
        return timedelta(seconds=self.retry_max_seconds)
