"""Consumer lag, measured all the time: each partition's end offset minus the group's committed offset.

A worker measures its group's lag on a timer thread of its own (:meth:`LagMonitor.start`),
with a Kafka client of its own (a KafkaConsumer is not thread-safe, and one that never
subscribes never joins the group). So the gauge ``consumer_lag`` is right from the start
of the process, before the group has its partitions, while a batch is being applied
(its records count until their offsets are committed) and while the loop is stuck or
down: it measures what is committed, the only progress that survives a crash. A
partition the group never committed counts from its first offset (the consumers'
``auto_offset_reset`` is earliest).
"""
from __future__ import annotations

import logging
import threading

from kafka import TopicPartition
from kafka.errors import KafkaError

from shared.messaging import kafka_clients
from shared.runtime.config import Settings
from shared.runtime.lifecycle import StopFlag
from shared.runtime.metrics import CONSUMER_LAG
from shared.store.projection import Projection

log = logging.getLogger(__name__)
INTERVAL = 5.0  # seconds between measurements


class LagMonitor:
    def __init__(self, settings: Settings, projection: Projection):
        """The lag of the projection's consumer group on its topics (gauges labelled with the projection's name)."""
        self.group, self.topics = projection.name, [settings.topic(name) for name in projection.topics]
        group_id = settings.topic(projection.name)
        self.client = kafka_clients.consumer(settings, group_id, client_id=f"{settings.service}-{group_id}-lag")

    def measure(self) -> dict[TopicPartition, int]:
        """Measure every partition's lag now, set the gauges, and return the lags."""
        partitions = [TopicPartition(topic, partition) for topic in self.topics
                      for partition in sorted(self.client.partitions_for_topic(topic) or ())]
        ends, starts = self.client.end_offsets(partitions), self.client.beginning_offsets(partitions)
        lags = {}
        for tp in partitions:
            committed = self.client.committed(tp)
            lags[tp] = max(ends[tp] - (starts[tp] if committed is None else committed), 0)
            CONSUMER_LAG.labels(self.group, tp.topic, tp.partition).set(lags[tp])
        return lags

    def run(self, stop: StopFlag, interval: float = INTERVAL) -> None:
        """Measure every `interval` seconds until `stop` is set; Kafka being away only skips a measurement."""
        while not stop():
            try:
                self.measure()
            except KafkaError as error:
                log.warning("consumer lag not measured", extra={"group": self.group, "error": type(error).__name__})
            stop.wait(interval)
        self.client.close()

    def start(self, stop: StopFlag, interval: float = INTERVAL) -> threading.Thread:
        """Run in a daemon thread (first measurement at once); the thread."""
        thread = threading.Thread(target=self.run, args=(stop, interval), name=f"lag-{self.group}", daemon=True)
        thread.start()
        return thread
