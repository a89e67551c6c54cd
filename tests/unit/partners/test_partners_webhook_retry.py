"""The webhook retry policy (domain/retry.py) and the signed request (delivery/webhook_request.py)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from standardwebhooks import Webhook

from services.partners.delivery.webhook_request import body, headers
from services.partners.domain.retry import RetryPolicy

T0 = datetime(2027, 3, 10, 12, 0, tzinfo=timezone.utc)
POLICY = RetryPolicy(base=timedelta(seconds=10), cap=timedelta(hours=1), window=timedelta(hours=24))


def highest(low: float, high: float) -> float:
    return high


def test_the_backoff_doubles_up_to_its_cap_and_full_jitter_draws_from_zero_to_it():
    delays = [(POLICY.next_attempt(T0, T0, n, highest) - T0).total_seconds() for n in range(1, 12)]
    assert delays == [10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600, 3600]
    drawn = []
    POLICY.next_attempt(T0, T0, 3, lambda low, high: drawn.append((low, high)) or 0.0)
    assert drawn == [(0, 40)]


def test_retries_go_on_until_the_window_after_the_first_attempt_then_the_entry_is_parked():
    late = T0 + timedelta(hours=23, minutes=50)
    assert POLICY.next_attempt(T0, late, 40, highest) == T0 + timedelta(hours=24)  # the last try, at the end
    assert POLICY.next_attempt(T0, T0 + timedelta(hours=24), 41, highest) is None
    assert POLICY.next_attempt(T0, T0 + timedelta(days=3), 2, highest) is None  # e.g. after a long outage


def test_a_request_is_signed_with_every_secret_given_per_standard_webhooks():
    old, new = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_" + "C2FVsBQIhrscChlQIMV+b5sSYspob7oD"
    payload = body({"id": "psn_event", "type": "goal-created", "data": {"title": None}})
    sent = headers("psn_event", payload, [new, old], T0)
    assert sent["webhook-id"] == "psn_event" and sent["webhook-timestamp"] == str(int(T0.timestamp()))
    assert sent["webhook-signature"].split(" ") == [Webhook(secret).sign("psn_event", T0, payload.decode())
                                                    for secret in (new, old)]
    assert sent["Content-Type"] == "application/cloudevents+json"
