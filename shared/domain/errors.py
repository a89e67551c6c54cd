"""The one base of every refusal, in every service: why a command or query was refused, and which field.

Every error has a ``code`` (kebab-case, stable, for clients), a ``field`` (the API
field path, e.g. ``"target_date"``, ``"goals[0].rating"``, ``"gas_levels.-1"``,
``"If-Match"``) and a ``kind`` that the HTTP edge maps to a status in one place
(shared/web/errors.py): ``"invalid"`` (the input can never succeed: 422),
``"conflict"`` (it clashes with the current state: 409), ``"not-found"`` (404),
``"stale"`` (the caller's version is not the current one: 412). ``detail`` says
what is expected; it never holds the submitted value, because titles, dates,
zones and scores are personal data and errors get logged.

Pure: no Flask, pymongo or Kafka.
"""
from __future__ import annotations

KINDS = ("invalid", "conflict", "not-found", "stale")


class DomainError(Exception):
    kind = "invalid"
    code = "invalid"
    field = ""
    message = ""  # what a client reads when there is no detail (default: the code)

    def __init__(self, field: str | None = None, detail: str = "") -> None:
        if field is not None:
            self.field = field
        self.detail = detail
        suffix = f": {detail}" if detail else ""
        super().__init__(f"{self.code} at {self.field}{suffix}")

    @property
    def answer(self) -> str:
        """The message of the HTTP answer."""
        return f"Expected {self.detail}" if self.detail else (self.message or self.code)
