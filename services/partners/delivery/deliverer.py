"""The partners-deliverer process's loop: every channel, round after round, until stopped.

The seam for channels: a channel is an object with a ``name`` and ``run_once() -> int``
that delivers what is due on its channel (each subscription in seq order, from its own
cursor) and returns how many entries it delivered. worker.py builds the list
(``channels(...)``): the Kafka channel (delivery/kafka_channel.py); a new channel (the
webhooks) is one more object in that list. A channel that fails is logged and tried
again next round; it never stops the others. When a round delivered nothing the loop
waits PARTNERS_DELIVER_INTERVAL_S.
"""
from __future__ import annotations

import logging
from typing import Protocol, Sequence

from kafka.errors import KafkaError
from pymongo.errors import PyMongoError

from shared.runtime.lifecycle import StopFlag

log = logging.getLogger(__name__)


class Channel(Protocol):
    name: str

    def run_once(self) -> int:
        """Deliver what is due; how many entries were delivered."""
        ...


def run(channels: Sequence[Channel], stop: StopFlag, idle_wait: float) -> None:
    """Run rounds of every channel until `stop()`."""
    while not stop():
        delivered = sum(run_channel(channel) for channel in channels)
        if not delivered:
            stop.wait(idle_wait)


def run_channel(channel: Channel) -> int:
    try:
        return channel.run_once()
    except (PyMongoError, KafkaError) as error:
        log.warning("channel round failed; retrying next round", extra={"channel": channel.name,
                                                                        "error": type(error).__name__})
    except Exception:  # noqa: BLE001 - a bug in one channel must not stop the others
        log.exception("channel round failed; retrying next round", extra={"channel": channel.name})
    return 0
