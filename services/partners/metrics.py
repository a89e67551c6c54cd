"""The partners processes' own metrics (labels: subscription ids and channel names, never a client's id)."""
from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

ROUTED = Counter("partner_entries_routed_total", "Feed entries appended by the router", ["subscription"])
FEED_LAG = Gauge("partner_feed_lag", "Feed entries of the subscription after the channel's cursor (seq - cursor)",
                 ["subscription", "channel"])
DELIVERED = Counter("partner_entries_delivered_total", "Feed entries a channel delivered",
                    ["subscription", "channel"])
WITHHELD = Counter("partner_entries_withheld_total", "Feed entries a channel skipped: the client's consent excludes "
                   "the partner now", ["subscription", "channel"])

WEBHOOK_ATTEMPTS = Counter("partner_webhook_attempts_total", "Webhook requests made", ["subscription"])
WEBHOOK_FAILURES = Counter("partner_webhook_failures_total", "Webhook requests without a 2xx answer (another status, "
                           "a timeout, no connection, a refused target)", ["subscription"])
WEBHOOK_PARKED = Counter("partner_webhook_parked_total", "Feed entries parked: no 2xx within PARTNERS_RETRY_WINDOW_S",
                         ["subscription"])
WEBHOOK_LAG = Histogram("partner_webhook_delivery_lag_seconds", "From an entry's recording in the feed to its "
                        "delivery by webhook", ["subscription"],
                        buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21600, 86400))


def record_lag(subscription: dict, channel: str, cursor: int) -> None:
    """The channel's lag on the subscription, from its feed's last seq and the channel's cursor."""
    FEED_LAG.labels(subscription["_id"], channel).set(max(subscription["seq"] - cursor, 0))


def forget_lags(channel: str, subscription_ids: set[str]) -> None:
    """Drop the channel's lag of subscriptions it no longer delivers (deleted, paused, without access)."""
    for subscription_id in subscription_ids:
        try:
            FEED_LAG.remove(subscription_id, channel)
        except KeyError:
            pass  # never measured (its round failed before)
