"""The Kafka channel: each subscription's feed entries onto its own topic, in seq order.

A subscription with Kafka access (``kafka.topic``, set by
``python -m services.partners.kafka_access issue <subscription_id>``; the logical name,
``partner.<subscription_id>``, made physical with KAFKA_TOPIC_PREFIX) gets every entry
after its ``cursors.kafka``: value = the partner CloudEvent (JSON), key = the client's
pseudonym (so one client's events stay in one partition, in order), headers ``ce_type``
and ``ce_id``. The cursor moves only once the broker has acknowledged the batch (the
producer is idempotent, acks=all): after a crash the batch is sent again, at least
once, with the same ids. Entries the client's consent now withholds are not sent
(service/feed.py).
"""
from __future__ import annotations

import json
import logging

from kafka import KafkaProducer
from kafka.errors import KafkaError

from shared.messaging.kafka_clients import acknowledged
from shared.runtime.config import Settings
from shared.runtime.lifecycle import Stop, never

from services.partners.metrics import DELIVERED, WITHHELD, forget_lags, record_lag
from services.partners.service.feed import FeedReader
from services.partners.store.subscriptions import SubscriptionStore

NAME = "kafka"
BATCH = 500
log = logging.getLogger(__name__)


class KafkaChannel:
    name = NAME

    def __init__(self, db, producer: KafkaProducer, settings: Settings, reader: FeedReader, stop: Stop = never,
                 batch: int = BATCH) -> None:
        self.subscriptions, self.producer, self.settings = SubscriptionStore(db), producer, settings
        self.reader, self.stop, self.batch = reader, stop, batch
        self._reported: set[str] = set()  # the subscriptions whose lag is on the metrics

    def run_once(self) -> int:
        """One batch of every subscription with a topic; how many entries were delivered.

        A subscription whose topic refuses the batch (gone, not authorised...) is logged and tried again next
        round; the others go on."""
        subscriptions = self.subscriptions.with_kafka()
        forget_lags(NAME, self._reported - {subscription["_id"] for subscription in subscriptions})
        self._reported = {subscription["_id"] for subscription in subscriptions}
        delivered = 0
        for subscription in subscriptions:
            try:
                delivered += self._deliver(subscription)
            except KafkaError as error:
                log.warning("kafka delivery failed; retrying next round",
                            extra={"subscription": subscription["_id"], "error": type(error).__name__})
        return delivered

    def _deliver(self, subscription: dict) -> int:
        cursor = subscription["cursors"].get(NAME, 0)
        record_lag(subscription, NAME, cursor)
        if subscription["seq"] <= cursor:
            return 0
        batch = self.reader.next(subscription, cursor, self.batch)
        topic = self.settings.topic(subscription["kafka"]["topic"])
        futures = [self.producer.send(topic, key=entry["pseudonym"].encode(), value=json.dumps(entry["event"]).encode(),
                                      headers=[("ce_type", entry["type"].encode()),
                                               ("ce_id", entry["event"]["id"].encode())])
                   for entry in batch.entries]
        if not acknowledged(self.producer, futures, self.stop):
            return 0  # stopping: the cursor stays, the batch is sent again next time
        if batch.last > cursor:
            self.subscriptions.advance(subscription["_id"], NAME, batch.last)
            record_lag(subscription, NAME, batch.last)
        DELIVERED.labels(subscription["_id"], NAME).inc(len(batch.entries))
        if batch.withheld:
            WITHHELD.labels(subscription["_id"], NAME).inc(batch.withheld)
        return len(batch.entries)
