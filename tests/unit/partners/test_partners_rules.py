"""Subscriptions' secrets, feed order with gaps, cursors, and the settings' refusal of the development secret."""
from datetime import datetime, timedelta, timezone

import pytest

from services.partners.domain.errors import InvalidCursor
from services.partners.domain.feed import GAP_WAIT, cursor, in_order
from services.partners.domain.subscription import new_secret, rotated, verifying
from services.partners.settings import PartnersSettings

NOW = datetime(2025, 3, 1, 12, tzinfo=timezone.utc)
DAY = timedelta(days=1)


def test_a_secret_is_a_standard_webhooks_secret_of_32_bytes():
    import base64
    secret = new_secret()
    assert secret.startswith("whsec_") and len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert new_secret() != secret


def test_a_rotation_keeps_the_previous_secret_verifying_for_the_grace_period():
    first = [{"secret": "whsec_a", "created_at": NOW - DAY, "expires_at": None}]
    second = rotated(first, NOW, DAY)
    assert [entry["secret"] for entry in second][1:] == ["whsec_a"] and second[1]["expires_at"] == NOW + DAY
    assert len(verifying(second, NOW + DAY / 2)) == 2
    assert [entry["secret"] for entry in verifying(second, NOW + 2 * DAY)] == [second[0]["secret"]]
    third = rotated(second, NOW + 2 * DAY, DAY)  # the expired one is dropped
    assert [entry["secret"] for entry in third] == [third[0]["secret"], second[0]["secret"]]


def entry(seq: int, age: timedelta = timedelta(0)) -> dict:
    return {"seq": seq, "recorded_at": NOW - age}


def test_the_feed_stops_before_a_fresh_gap_and_passes_an_old_one():
    assert [e["seq"] for e in in_order([entry(1), entry(2), entry(4)], 0, NOW)] == [1, 2]
    assert [e["seq"] for e in in_order([entry(1), entry(4, GAP_WAIT)], 0, NOW)] == [1, 4]
    assert in_order([entry(7)], 5, NOW) == []


def test_a_cursor_is_the_seq_as_digits():
    assert cursor(None) == cursor("") == 0 and cursor("42") == 42
    for wrong in ("-1", "4a", "1" * 13, "٣"):
        with pytest.raises(InvalidCursor):
            cursor(wrong)


def test_production_refuses_the_development_pseudonym_secret():
    with pytest.raises(ValueError, match="PARTNERS_PSEUDONYM_SECRET"):
        PartnersSettings(environment="production")
    assert PartnersSettings(environment="production", pseudonym_secret="a-real-one").production
