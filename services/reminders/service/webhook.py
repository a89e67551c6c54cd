"""The webhook channel: a signed JSON POST per attempt.

Body (no personal data, ids only): reminder_id, clinic_id, client_id, kind,
recipient, goal_id, milestone_id, session_id, due_at and sent_at (this
attempt's time, covered by the signature so receivers can refuse stale
replays). Headers: ``X-Reminder-Id`` (dedupe key: a reminder may arrive twice
after a dispatcher crash), ``X-Reminder-Attempt``, and
``X-Reminder-Signature: sha256=<hex HMAC-SHA256 of the raw body>``.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime

import requests

from services.reminders.domain.delivery import Attempt, is_retryable
from shared.domain.errors import DomainError
from shared.web.outbound import IPNetwork, check_target

SIGNATURE_HEADER = "X-Reminder-Signature"
USER_AGENT = "therapy-goals-reminders/1"


def signature(secret: str, body: bytes) -> str:
    """The value of X-Reminder-Signature for `body`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def body(doc: dict, sent_at: datetime) -> bytes:
    fields = ("clinic_id", "client_id", "kind", "recipient", "goal_id", "milestone_id", "session_id")
    content = {"reminder_id": doc["_id"], **{name: doc.get(name) for name in fields},
               "due_at": doc["due_at"].isoformat(), "sent_at": sent_at.isoformat()}
    return json.dumps(content, separators=(",", ":")).encode()


def post(url: str, doc: dict, secret: str, timeout: float, sent_at: datetime,
         allowed_networks: tuple[IPNetwork, ...] = ()) -> Attempt:
    """One delivery attempt; never raises for the receiver's failures. The URL is checked by the SSRF guard right
    before the request (a URL whose host now resolves to a refused address fails, not retried)."""
    try:
        check_target(url, allowed_networks, "webhook_url")
    except DomainError as refusal:
        return Attempt(False, refusal.code)
    payload = body(doc, sent_at)
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT, "X-Reminder-Id": doc["_id"],
               "X-Reminder-Attempt": str(doc.get("attempts", 0) + 1), SIGNATURE_HEADER: signature(secret, payload)}
    try:
        response = requests.post(url, data=payload, headers=headers, timeout=timeout, allow_redirects=False)
    except requests.Timeout:
        return Attempt(False, "timeout", retryable=True)
    except requests.RequestException:
        return Attempt(False, "connection-error", retryable=True)
    if 200 <= response.status_code < 300:
        return Attempt(True, "delivered", response.status_code)
    return Attempt(False, f"http-{response.status_code}", response.status_code, is_retryable(response.status_code))
