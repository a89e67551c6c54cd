"""CloudEvents 1.0 envelope (structured JSON mode) with the platform's extensions.

Extension attribute names follow the CloudEvents naming rule (lower-case letters
and digits): ``schemaversion``, ``clinicid``, ``sequence`` (per-aggregate),
``partitionkey`` (the client id: the Kafka message key) and ``correlationid``
(the request that led to the event).
"""
from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from typing import Any, NamedTuple

SPEC_VERSION = "1.0"
REQUIRED = ("specversion", "id", "type", "source", "subject", "time", "schemaversion",
            "clinicid", "sequence", "partitionkey")
TEXT_ATTRIBUTES = ("specversion", "id", "type", "source", "subject", "time", "clinicid", "partitionkey")


class EnvelopeError(ValueError):
    """The bytes or dict are not a CloudEvent of this platform."""


class Position(NamedTuple):
    """Where a consumer read an event: its Kafka record's topic, partition and offset."""
    topic: str
    partition: int
    offset: int


@dataclass(frozen=True)
class CloudEvent:
    type: str
    source: str
    subject: str
    schemaversion: int
    clinicid: str
    sequence: int
    partitionkey: str
    data: dict[str, Any]
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    time: str = field(default_factory=lambda: now_iso())
    correlationid: str | None = None
    specversion: str = SPEC_VERSION
    datacontenttype: str = "application/json"
    # not an attribute of the envelope: set by the consumer runtime, never serialized (shared.store.projection)
    position: Position | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None and k != "position"}

    def to_json(self) -> bytes:
        return json.dumps(self.to_dict(), separators=(",", ":")).encode()

    def with_data(self, data: dict[str, Any], schemaversion: int) -> "CloudEvent":
        return CloudEvent(**{**self.to_dict(), "data": data, "schemaversion": schemaversion}, position=self.position)

    def at(self, position: Position) -> "CloudEvent":
        """The same event, read at `position`."""
        return replace(self, position=position)


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def from_dict(raw: Any) -> CloudEvent:
    if not isinstance(raw, dict):
        raise EnvelopeError("envelope is not a JSON object")
    missing = [name for name in REQUIRED if name not in raw]
    if missing:
        raise EnvelopeError(f"missing attributes: {', '.join(missing)}")
    if raw["specversion"] != SPEC_VERSION:
        raise EnvelopeError(f"unsupported specversion {raw['specversion']!r}")
    if not isinstance(raw.get("data"), dict):
        raise EnvelopeError("data is not a JSON object")
    if any(isinstance(raw[name], bool) or not isinstance(raw[name], int) for name in ("schemaversion", "sequence")):
        raise EnvelopeError("schemaversion and sequence must be integers")
    blank = [name for name in TEXT_ATTRIBUTES if not isinstance(raw[name], str) or not raw[name]]
    if blank or not isinstance(raw.get("correlationid", ""), (str, type(None))):
        raise EnvelopeError(f"attributes that must be non-empty strings: {', '.join(blank) or 'correlationid'}")
    if not _is_timestamp(raw["time"]):
        raise EnvelopeError("time is not an RFC 3339 timestamp with an offset")
    known = CloudEvent.__dataclass_fields__.keys() - {"position"}
    return CloudEvent(**{k: v for k, v in raw.items() if k in known})


def _is_timestamp(text: str) -> bool:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).tzinfo is not None
    except ValueError:
        return False


def from_json(value: bytes) -> CloudEvent:
    try:
        raw = json.loads(value)
    except (ValueError, TypeError) as error:
        raise EnvelopeError(f"not JSON: {error}") from error
    return from_dict(raw)
