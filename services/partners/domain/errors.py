"""Every refusal of the partners service, each a shared.domain.errors.DomainError (its kind names the status)."""
from __future__ import annotations

from shared.domain.errors import DomainError


class SubscriptionNotFound(DomainError):
    """No such subscription for the caller (another clinic's, another partner's, or deleted)."""

    kind, code, field = "not-found", "subscription-not-found", "subscription_id"
    message = "No such subscription"


class StaleVersion(DomainError):
    """If-Match names a version that is not the subscription's current one."""

    kind, code, field = "stale", "stale-version", "If-Match"
    message = "The subscription has changed since that version; read it again"


class InvalidCursor(DomainError):
    """A feed cursor that no answer gave (cursors are opaque: send back a `next`)."""

    code, field = "invalid-cursor", "after"
    message = "Not a cursor of this feed: send back the `next` of an earlier answer"


class UnknownSeq(DomainError):
    """A redelivery names a seq the subscription's feed has not reached."""

    code = "unknown-seq"
    message = "Not a seq of this subscription's feed"
