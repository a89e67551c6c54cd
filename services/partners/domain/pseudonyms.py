"""Per-partner pseudonyms: stable for one partner, unrelated between two (pure).

    partner key = HMAC-SHA256(PARTNERS_PSEUDONYM_SECRET, partner_id)
    pseudonym   = "psn_" + lower(base32(HMAC-SHA256(partner key, kind + ":" + value)))[:26]

`kind` names what the value identifies (client, goal, session, event...), so two
kinds of ids that happen to be equal still get different pseudonyms. Without the
secret nobody can compute or invert one; 26 base32 characters are 130 bits.
"""
from __future__ import annotations

import base64
import hashlib
import hmac

PREFIX = "psn_"
LENGTH = 26


def _mac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


class PartnerPseudonyms:
    """The pseudonyms of one partner."""

    def __init__(self, secret: str, partner_id: str) -> None:
        self._key = _mac(secret.encode(), partner_id)

    def of(self, kind: str, value: str) -> str:
        return PREFIX + base64.b32encode(_mac(self._key, f"{kind}:{value}")).decode().lower()[:LENGTH]
