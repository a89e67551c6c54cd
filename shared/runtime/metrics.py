"""Prometheus metrics of the workers (served on METRICS_PORT) and the APIs (/metrics)."""
from __future__ import annotations

from wsgiref.simple_server import WSGIServer

from prometheus_client import Counter, Gauge, Histogram, start_http_server

from shared.runtime.config import bind_host

EVENTS_PROCESSED = Counter("events_processed_total", "Events applied by a consumer", ["group", "type"])
EVENTS_IGNORED = Counter("events_ignored_total", "Events of types the consumer does not handle", ["group"])
EVENTS_FAILED = Counter("events_failed_total", "Events sent to the dead-letter topic", ["group", "reason"])
HANDLER_RETRIES = Counter("handler_retries_total", "Batch retries after transient errors", ["group"])
CONSUMER_LAG = Gauge("consumer_lag", "Records of the partition after the group's committed offset (measured every 5 s)",
                     ["group", "topic", "partition"])
BATCH_SECONDS = Histogram("consumer_batch_seconds", "Time to apply one batch", ["group"])
RELAYED = Counter("events_relayed_total", "Events published to Kafka by the outbox relay")
RELAY_ERRORS = Counter("relay_errors_total", "Relay rounds that failed and were retried")
OUTBOX_BACKLOG = Gauge("outbox_unpublished_commits", "Stored commits not yet published to Kafka (the relay's lag)")
OUTBOX_OLDEST_AGE = Gauge("outbox_oldest_unpublished_seconds", "Age of the oldest commit not yet published (0: none)")


def serve(port: int) -> WSGIServer | None:
    """Expose /metrics on the port, on BIND_HOST (0 disables it); the server (``.shutdown()`` stops it)."""
    if port:
        server, _thread = start_http_server(port, addr=bind_host())
        return server
    return None
