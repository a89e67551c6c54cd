"""Twelve-factor settings: every value comes from the environment, with local defaults.

`Settings` holds what every process reads; each service's settings (services/<service>/settings.py)
extend it with their own values, read in that one place. Every port of the platform is defined here.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field


HTTP_PORTS = {"goals": 8001, "reminders": 8002, "reports": 8003}
METRICS_PORTS = {"goals-relay": 9101, "reminders-consumer": 9102, "reminders-dispatcher": 9103,
                 "reports-consumer": 9104}


def env(name: str, default: str) -> str:
    """The variable's value, or `default` when it is unset or empty."""
    return os.environ.get(name) or default


@dataclass(frozen=True)
class Settings:
    service: str
    kafka_bootstrap_servers: str = field(default_factory=lambda: env("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"))
    mongodb_uri: str = field(default_factory=lambda: env("MONGODB_URI", "mongodb://127.0.0.1:27017/?retryWrites=false"))
    mongodb_db_prefix: str = field(default_factory=lambda: env("MONGODB_DB_PREFIX", "therapy"))
    jwt_secret: str = field(default_factory=lambda: env("JWT_SECRET", "dev-only-jwt-secret-change-me-in-production"))
    topic_partitions: int = field(default_factory=lambda: int(env("KAFKA_TOPIC_PARTITIONS", "3")))
    replication_factor: int = field(default_factory=lambda: int(env("KAFKA_REPLICATION_FACTOR", "1")))
    min_insync_replicas: int = field(default_factory=lambda: int(env("KAFKA_MIN_INSYNC_REPLICAS", "1")))
    log_level: str = field(default_factory=lambda: env("LOG_LEVEL", "INFO"))
    topic_prefix: str = field(default_factory=lambda: env("KAFKA_TOPIC_PREFIX", ""))

    def topic(self, name: str) -> str:
        """The physical topic name: environments sharing a cluster set KAFKA_TOPIC_PREFIX."""
        return self.topic_prefix + name

    @property
    def database_name(self) -> str:
        return f"{self.mongodb_db_prefix}_{self.service}"

    def metrics_port(self, process: str) -> int:
        """The process's metrics port: METRICS_PORT, else its own in METRICS_PORTS (0: none)."""
        return int(env("METRICS_PORT", str(METRICS_PORTS[process])))
