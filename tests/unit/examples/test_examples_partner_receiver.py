"""The example partner receiver takes what the Standard Webhooks library signs, and nothing else."""
import base64
import json
import threading
from datetime import datetime, timedelta, timezone

import pytest
import requests
from standardwebhooks import Webhook

from examples.partner_receiver.receiver import TOLERANCE_SECONDS, Receiver, serve

SECRET = "whsec_" + base64.b64encode(b"k" * 32).decode()
OTHER_SECRET = "whsec_" + base64.b64encode(b"o" * 32).decode()
SENT = datetime(2026, 3, 10, 9, 0, tzinfo=timezone.utc)
BODY = json.dumps({"specversion": "1.0", "id": "psn_abc", "type": "goal-created", "time": "2026-03-10T09:00:00Z",
                   "data": {"pseudonym": "psn_xyz", "category": "anxiety"}})


def delivery(body: str = BODY, secret: str = SECRET, sent: datetime = SENT, webhook_id: str = "psn_abc") -> dict:
    """The headers of a delivery signed by the standardwebhooks library."""
    return {"webhook-id": webhook_id, "webhook-timestamp": str(int(sent.timestamp())),
            "webhook-signature": Webhook(secret).sign(webhook_id, sent, body)}


def receiver(at: datetime = SENT, secrets: tuple = (SECRET,)) -> Receiver:
    return Receiver(list(secrets), handle=lambda event: None, clock=lambda: at.timestamp())


def queued(taker: Receiver) -> list[dict]:
    return [taker.pending.get_nowait() for _ in range(taker.pending.qsize())]


def test_a_delivery_signed_with_the_subscriptions_secret_is_taken():
    taker = receiver(at=SENT + timedelta(seconds=3))

    assert taker.receive(delivery(), BODY.encode()) == 200
    assert queued(taker) == [json.loads(BODY)]


@pytest.mark.parametrize("headers, body", [
    (delivery(), BODY.replace("anxiety", "depression")),                      # tampered body
    (delivery(secret=OTHER_SECRET), BODY),                                    # wrong secret
    (delivery(sent=SENT - timedelta(seconds=TOLERANCE_SECONDS + 1)), BODY),   # stale timestamp
    (delivery(sent=SENT + timedelta(seconds=TOLERANCE_SECONDS + 1)), BODY),   # from the future
    ({**delivery(), "webhook-id": "psn_other"}, BODY),                        # another delivery's signature
    ({key: value for key, value in delivery().items() if key != "webhook-signature"}, BODY),
], ids=["tampered body", "wrong secret", "stale timestamp", "future timestamp", "other id", "unsigned"])
def test_anything_not_signed_just_so_is_refused_and_never_handled(headers, body):
    taker = receiver()

    assert taker.receive(headers, body.encode()) == 401
    assert queued(taker) == []


def test_a_repeated_webhook_id_is_answered_200_and_handled_once():
    taker = receiver()

    assert [taker.receive(delivery(), BODY.encode()) for _ in range(2)] == [200, 200]
    assert len(queued(taker)) == 1


def test_while_a_secret_is_rotated_a_delivery_signed_with_both_verifies_with_either():
    both = {**delivery(), "webhook-signature": f"{delivery(secret=OTHER_SECRET)['webhook-signature']} "
                                              f"{delivery()['webhook-signature']}"}

    assert receiver(secrets=(SECRET,)).receive(both, BODY.encode()) == 200
    assert receiver(secrets=(OTHER_SECRET,)).receive(both, BODY.encode()) == 200


def test_over_http_the_raw_body_is_verified_and_answered_at_once():
    taker = receiver()
    server = serve(taker, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/webhooks"
    try:
        good = requests.post(url, data=BODY.encode(), headers=delivery(), timeout=5)
        bad = requests.post(url, data=BODY.encode() + b" ", headers=delivery(), timeout=5)
    finally:
        server.shutdown()
        server.server_close()

    assert (good.status_code, bad.status_code) == (200, 401)
    assert queued(taker) == [json.loads(BODY)]
