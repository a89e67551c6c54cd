"""The partners processes' own metrics (labels: subscription ids and channel names, never a client's id)."""
from __future__ import annotations

from prometheus_client import Counter, Gauge

ROUTED = Counter("partner_entries_routed_total", "Feed entries appended by the router", ["subscription"])
FEED_LAG = Gauge("partner_feed_lag", "Feed entries of the subscription after the channel's cursor (seq - cursor)",
                 ["subscription", "channel"])
DELIVERED = Counter("partner_entries_delivered_total", "Feed entries a channel delivered",
                    ["subscription", "channel"])
WITHHELD = Counter("partner_entries_withheld_total", "Feed entries a channel skipped: the client's consent excludes "
                   "the partner now", ["subscription", "channel"])


def record_lag(subscription: dict, channel: str, cursor: int) -> None:
    """The channel's lag on the subscription, from its feed's last seq and the channel's cursor."""
    FEED_LAG.labels(subscription["_id"], channel).set(max(subscription["seq"] - cursor, 0))
