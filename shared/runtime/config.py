"""Twelve-factor settings: every value comes from the environment, with local defaults.

`Settings` holds what every process reads; each service's settings (services/<service>/settings.py)
extend it with their own values, read in that one place. Every port of the platform is defined here.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field


HTTP_PORTS = {"goals": 8001, "reminders": 8002, "reports": 8003, "partners": 8004}
ENVIRONMENTS = ("development", "production")
METRICS_PORTS = {"goals-relay": 9101, "reminders-consumer": 9102, "reminders-dispatcher": 9103,
                 "reports-consumer": 9104, "partners-router": 9105, "partners-deliverer": 9106}


def env(name: str, default: str) -> str:
    """The variable's value, or `default` when it is unset or empty."""
    return os.environ.get(name) or default


def bind_host() -> str:
    """The interface the APIs and metrics servers listen on: loopback unless BIND_HOST says (containers: 0.0.0.0)."""
    return env("BIND_HOST", "127.0.0.1")


@dataclass(frozen=True)
class Settings:
    service: str
    kafka_bootstrap_servers: str = field(default_factory=lambda: env("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"))
    # the brokers' partners listener (SASL_PLAINTEXT, SCRAM-SHA-512): what a partner's client connects to
    partners_kafka_bootstrap: str = field(default_factory=lambda: env("PARTNERS_KAFKA_BOOTSTRAP", "127.0.0.1:9094"))
    mongodb_uri: str = field(default_factory=lambda: env("MONGODB_URI", "mongodb://127.0.0.1:27017/?retryWrites=false"))
    mongodb_db_prefix: str = field(default_factory=lambda: env("MONGODB_DB_PREFIX", "therapy"))
    # "production" refuses HS256 tokens: the APIs then need an identity provider (JWT_JWKS_URL)
    environment: str = field(default_factory=lambda: env("ENVIRONMENT", "development"))
    jwt_secret: str = field(default_factory=lambda: env("JWT_SECRET", "dev-only-jwt-secret-change-me-in-production"))
    # an OIDC identity provider: when JWT_JWKS_URL is set, only its RS256/ES256 tokens are accepted
    jwt_jwks_url: str = field(default_factory=lambda: env("JWT_JWKS_URL", ""))
    jwt_issuer: str = field(default_factory=lambda: env("JWT_ISSUER", ""))
    jwt_audience: str = field(default_factory=lambda: env("JWT_AUDIENCE", ""))
    jwt_jwks_lifespan_seconds: float = field(default_factory=lambda: float(env("JWT_JWKS_LIFESPAN_SECONDS", "300")))
    jwt_jwks_refetch_seconds: float = field(default_factory=lambda: float(env("JWT_JWKS_REFETCH_SECONDS", "30")))
    jwt_leeway_seconds: float = field(default_factory=lambda: float(env("JWT_LEEWAY_SECONDS", "30")))
    # where the clinic and the role are in a token's claims; a dotted path reaches nested claims
    jwt_clinic_claim: str = field(default_factory=lambda: env("JWT_CLINIC_CLAIM", "clinic_id"))
    jwt_role_claim: str = field(default_factory=lambda: env("JWT_ROLE_CLAIM", "role"))
    topic_partitions: int = field(default_factory=lambda: int(env("KAFKA_TOPIC_PARTITIONS", "3")))
    replication_factor: int = field(default_factory=lambda: int(env("KAFKA_REPLICATION_FACTOR", "1")))
    min_insync_replicas: int = field(default_factory=lambda: int(env("KAFKA_MIN_INSYNC_REPLICAS", "1")))
    log_level: str = field(default_factory=lambda: env("LOG_LEVEL", "INFO"))
    topic_prefix: str = field(default_factory=lambda: env("KAFKA_TOPIC_PREFIX", ""))
    # the limits of every API (shared/web/body.py, shared/web/ratelimit.py; README, "Limits")
    http_max_body_bytes: int = field(default_factory=lambda: int(env("HTTP_MAX_BODY_BYTES", str(1024 * 1024))))
    http_rate_limit: float = field(default_factory=lambda: float(env("HTTP_RATE_LIMIT", "100")))
    http_rate_burst: int = field(default_factory=lambda: int(env("HTTP_RATE_BURST", "200")))

    def __post_init__(self) -> None:
        if self.environment not in ENVIRONMENTS:
            raise ValueError(f"ENVIRONMENT must be one of {', '.join(ENVIRONMENTS)}, not {self.environment!r}")

    @property
    def production(self) -> bool:
        return self.environment == "production"

    def topic(self, name: str) -> str:
        """The physical topic name: environments sharing a cluster set KAFKA_TOPIC_PREFIX."""
        return self.topic_prefix + name

    @property
    def database_name(self) -> str:
        return f"{self.mongodb_db_prefix}_{self.service}"

    def metrics_port(self, process: str) -> int:
        """The process's metrics port: METRICS_PORT, else its own in METRICS_PORTS (0: none)."""
        return int(env("METRICS_PORT", str(METRICS_PORTS[process])))
