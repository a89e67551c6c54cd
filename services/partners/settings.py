"""The partners service's settings: the platform's (shared.runtime.config.Settings) and its own, from the environment.

app.py, worker.py, rebuild.py and kafka_access.py build these. PARTNERS_PSEUDONYM_SECRET keys every
partner's pseudonyms (domain/pseudonyms.py): changing it changes every pseudonym a
partner knows, so it is set once per deployment; ENVIRONMENT=production refuses to
start with the development default.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from shared.runtime.config import Settings, env
from shared.web.outbound import IPNetwork, networks

DEV_PSEUDONYM_SECRET = "dev-only-pseudonym-secret-change-me-in-production"


@dataclass(frozen=True)
class PartnersSettings(Settings):
    service: str = "partners"
    # the brokers' partners listener (SASL_PLAINTEXT, SCRAM-SHA-512): what a partner's client connects to,
    # printed with the credentials by kafka_access.py
    partners_kafka_bootstrap: str = field(default_factory=lambda: env("PARTNERS_KAFKA_BOOTSTRAP", "127.0.0.1:9094"))
    pseudonym_secret: str = field(default_factory=lambda: env("PARTNERS_PSEUDONYM_SECRET", DEV_PSEUDONYM_SECRET))
    # how long a rotated signing secret keeps verifying (POST /v1/subscriptions/{id}/secret)
    secret_grace_s: float = field(default_factory=lambda: float(env("PARTNERS_SECRET_GRACE_S", "86400")))
    # the deliverer's pause between rounds that found nothing to deliver
    deliver_interval_s: float = field(default_factory=lambda: float(env("PARTNERS_DELIVER_INTERVAL_S", "0.5")))
    # webhooks (delivery/webhook_channel.py): the networks the SSRF guard lets a URL reach although not public
    # (comma-separated CIDRs; none by default; make up's development profile allows loopback)
    allowed_networks: tuple[IPNetwork, ...] = field(
        default_factory=lambda: networks(env("PARTNERS_ALLOWED_NETWORKS", "")))
    webhook_timeout_s: float = field(default_factory=lambda: float(env("PARTNERS_WEBHOOK_TIMEOUT_S", "10")))
    # subscriptions delivered at once (one request in flight per subscription)
    webhook_concurrency: int = field(default_factory=lambda: int(env("PARTNERS_WEBHOOK_CONCURRENCY", "16")))
    # a failed delivery is retried with backoff (base·2^n, at most max, full jitter) for the window, then parked
    retry_base_s: float = field(default_factory=lambda: float(env("PARTNERS_RETRY_BASE_S", "10")))
    retry_max_s: float = field(default_factory=lambda: float(env("PARTNERS_RETRY_MAX_S", "3600")))
    retry_window_s: float = field(default_factory=lambda: float(env("PARTNERS_RETRY_WINDOW_S", "86400")))

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.production and self.pseudonym_secret == DEV_PSEUDONYM_SECRET:
            raise ValueError("ENVIRONMENT=production refuses the development PARTNERS_PSEUDONYM_SECRET: set one")

    @property
    def secret_grace(self) -> timedelta:
        return timedelta(seconds=self.secret_grace_s)
