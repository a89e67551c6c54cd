"""Where the tests get their Kafka and document store, in order of preference:

1. the environment (KAFKA_BOOTSTRAP_SERVERS and MONGODB_URI both set);
2. testcontainers (Apache Kafka KRaft and MongoDB) where a Docker engine answers;
3. the native launcher (deploy/infra.py, profile "test"): real Kafka and the embedded document store.
"""
from __future__ import annotations

import contextlib
import os

from deploy import infra as launcher

TEST_PROFILE = launcher.PROFILES["test"]


def docker_engine_answers() -> bool:
    try:
        import docker
        docker.from_env().ping()
        return True
    except Exception:
        return False


@contextlib.contextmanager
def servers():
    """Yield {"KAFKA_BOOTSTRAP_SERVERS": ..., "MONGODB_URI": ..., "native": bool}."""
    given = launcher.external_servers()
    if given:
        yield {**given, "native": False}
    elif docker_engine_answers():
        from testcontainers.kafka import KafkaContainer
        from testcontainers.mongodb import MongoDbContainer
        with KafkaContainer("apache/kafka:4.1.1").with_kraft() as kafka, MongoDbContainer("mongo:7") as mongo:
            yield {"KAFKA_BOOTSTRAP_SERVERS": kafka.get_bootstrap_server(),
                   "MONGODB_URI": mongo.get_connection_url(), "native": False}
    else:
        env = launcher.up(TEST_PROFILE)
        try:
            yield {**env, "native": True}
        finally:
            if not os.environ.get("KEEP_TEST_INFRA"):
                launcher.down(TEST_PROFILE)
