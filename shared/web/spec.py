"""The answers every operation of every API may give besides its own, documented once in each OpenAPI document:
413 where a body is taken (shared/web/body.py), 429 and 503 on every /v1 operation (shared/web/ratelimit.py,
the store outage in shared/web/errors.py)."""
from __future__ import annotations

from typing import Any

from apispec import BasePlugin

ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before retrying", "schema": {"type": "integer"}}}
BODY_ANSWERS = {"413": {"description": "The body is over HTTP_MAX_BODY_BYTES (default 1 MiB), chunked or not",
                        "content": ERROR}}
API_ANSWERS = {
    "429": {"description": "Over the token's rate limit (HTTP_RATE_LIMIT a second, bursts of HTTP_RATE_BURST)",
            "headers": RETRY_AFTER, "content": ERROR},
    "503": {"description": "The store is unreachable (`store-unavailable`)", "headers": RETRY_AFTER, "content": ERROR},
}


class EdgeAnswers(BasePlugin):
    def operation_helper(self, path: str | None = None, operations: dict | None = None, **kwargs: Any) -> None:
        if not (path or "").startswith("/v1/"):
            return
        for operation in (operations or {}).values():
            responses = operation.setdefault("responses", {})
            for status, response in {**API_ANSWERS, **(BODY_ANSWERS if "requestBody" in operation else {})}.items():
                responses.setdefault(status, response)
