"""Twelve-factor settings: every value comes from the environment, with local defaults."""
from __future__ import annotations

import os
from dataclasses import dataclass, field


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


@dataclass(frozen=True)
class Settings:
    service: str
    kafka_bootstrap_servers: str = field(default_factory=lambda: _env("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"))
    mongodb_uri: str = field(default_factory=lambda: _env("MONGODB_URI", "mongodb://127.0.0.1:27017/?retryWrites=false"))
    mongodb_db_prefix: str = field(default_factory=lambda: _env("MONGODB_DB_PREFIX", "therapy"))
    jwt_secret: str = field(default_factory=lambda: _env("JWT_SECRET", "dev-only-jwt-secret-change-me-in-production"))
    topic_partitions: int = field(default_factory=lambda: int(_env("KAFKA_TOPIC_PARTITIONS", "3")))
    replication_factor: int = field(default_factory=lambda: int(_env("KAFKA_REPLICATION_FACTOR", "1")))
    log_level: str = field(default_factory=lambda: _env("LOG_LEVEL", "INFO"))
    topic_prefix: str = field(default_factory=lambda: _env("KAFKA_TOPIC_PREFIX", ""))

    def topic(self, name: str) -> str:
        """The physical topic name: environments sharing a cluster set KAFKA_TOPIC_PREFIX."""
        return self.topic_prefix + name

    @property
    def database_name(self) -> str:
        return f"{self.mongodb_db_prefix}_{self.service}"

    def metrics_port(self, default: int) -> int:
        return int(_env("METRICS_PORT", str(default)))
