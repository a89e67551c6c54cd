"""The webhook body carries ids only, and its signature is an HMAC-SHA256 of the raw body."""

import hashlib
import hmac
import json
from datetime import datetime, timezone

from services.reminders.service.webhook import body, signature

UTC = timezone.utc
DOC = {"_id": "r-1", "clinic_id": "clinic-1", "client_id": "c1", "kind": "milestone-due", "recipient": "client",
       "goal_id": "g1", "milestone_id": "m1", "session_id": None, "due_at": datetime(2026, 3, 8, 9, tzinfo=UTC),
       "title": "PERSONAL TITLE", "history": []}


def test_the_body_names_the_reminder_and_what_it_is_about_without_personal_data():
    sent = json.loads(body(DOC, datetime(2026, 3, 8, 9, 0, 5, tzinfo=UTC)))

    assert sent == {"reminder_id": "r-1", "clinic_id": "clinic-1", "client_id": "c1", "kind": "milestone-due",
                    "recipient": "client", "goal_id": "g1", "milestone_id": "m1", "session_id": None,
                    "due_at": "2026-03-08T09:00:00+00:00", "sent_at": "2026-03-08T09:00:05+00:00"}


def test_the_signature_is_the_hex_hmac_sha256_of_the_raw_body_with_the_shared_secret():
    raw = body(DOC, datetime(2026, 3, 8, 9, tzinfo=UTC))
    expected = hmac.new(b"s3cret", raw, hashlib.sha256).hexdigest()

    assert signature("s3cret", raw) == f"sha256={expected}"
    assert signature("other", raw) != signature("s3cret", raw)
