"""The dispatcher's settings, from the environment (twelve-factor) with working local defaults."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta

DEV_WEBHOOK_SECRET = "dev-only-webhook-secret-change-me"


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


@dataclass(frozen=True)
class DispatchConfig:
    interval_seconds: float = field(default_factory=lambda: float(_env("REMINDERS_DISPATCH_INTERVAL_SECONDS", "5")))
    webhook_secret: str = field(default_factory=lambda: _env("REMINDERS_WEBHOOK_SECRET", DEV_WEBHOOK_SECRET))
    webhook_timeout_seconds: float = field(
        default_factory=lambda: float(_env("REMINDERS_WEBHOOK_TIMEOUT_SECONDS", "5")))
    max_attempts: int = field(default_factory=lambda: int(_env("REMINDERS_MAX_ATTEMPTS", "5")))
    retry_base_seconds: float = field(default_factory=lambda: float(_env("REMINDERS_RETRY_BASE_SECONDS", "30")))
    retry_max_seconds: float = field(default_factory=lambda: float(_env("REMINDERS_RETRY_MAX_SECONDS", "3600")))
    lease_seconds: float = field(default_factory=lambda: float(_env("REMINDERS_LEASE_SECONDS", "60")))
    threads: int = field(default_factory=lambda: int(_env("REMINDERS_DISPATCH_THREADS", "4")))

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self.lease_seconds)

    @property
    def retry_base(self) -> timedelta:
        return timedelta(seconds=self.retry_base_seconds)

    @property
    def retry_max(self) -> timedelta:
        return timedelta(seconds=self.retry_max_seconds)
