"""Goal, session and sharing streams in the event store, as event data (shared.contract.events).

Translates between the event data dataclasses the domain decides and stored
CloudEvents: the domain never sees envelopes, and the envelope carries the tenant,
the sequence and the correlation id. A stream of another clinic reads as empty (the
caller answers 404). A keyed request's commit is found by the request (`applied`).
"""
from __future__ import annotations

from dataclasses import dataclass

from shared.contract.codec import to_data
from shared.contract.envelope import CloudEvent
from shared.contract.registry import data_of, type_of, upcast, validate
from services.goals.domain.errors import IdempotencyKeyReused
from shared.store.eventstore import EventStore, Request
from shared.store.mongo import compound_id

SOURCE = "/therapy-goals/goals-service"


def sharing_stream_id(clinic_id: str, client_id: str) -> str:
    """The stream of a client's sharing with partners, one per clinic and client: `sharing:clinic-1:client-7`."""
    return compound_id("sharing", clinic_id, client_id)


@dataclass(frozen=True)
class Stream:
    events: list          # event data, in order
    envelopes: list[CloudEvent]
    cached: bool = False  # read from a process's cache (store/stream_cache.py), not the store

    @property
    def version(self) -> int:
        return len(self.events)

    @property
    def created_at(self) -> str | None:
        return self.envelopes[0].time if self.envelopes else None


class Streams:
    def __init__(self, store: EventStore):
        self.store = store

    def load(self, clinic_id: str, stream_id: str) -> Stream:
        envelopes = [upcast(e) for e in self.store.load(stream_id)]
        if envelopes and envelopes[0].clinicid != clinic_id:
            return Stream([], [])
        return Stream([data_of(e) for e in envelopes], envelopes)

    def append(self, clinic_id: str, stream_id: str, client_id: str, expected_version: int, events: list,
               correlation_id: str | None = None, request: Request | None = None,
               listed: bool = True) -> list[CloudEvent]:
        """Store the events' data after `expected_version` (see EventStore.append); raises ConcurrencyConflict,
        or AlreadyApplied when a commit of `request` exists."""
        envelopes = [self._envelope(clinic_id, stream_id, client_id, expected_version + n, event, correlation_id)
                     for n, event in enumerate(events, start=1)]
        if envelopes:
            self.store.append(stream_id, expected_version, envelopes, request, listed)
        return envelopes

    def applied(self, clinic_id: str, request: Request) -> Stream | None:
        """The stream as the request's commit left it, or None when no commit carries the request.

        IdempotencyKeyReused when the commit was stored by another request with the same key.
        """
        commit = self.store.commit_of(request.id)
        if commit is None:
            return None
        if commit["request_fingerprint"] != request.fingerprint:
            raise IdempotencyKeyReused()
        stream = self.load(clinic_id, commit["stream_id"])
        return Stream(stream.events[:commit["last_version"]], stream.envelopes[:commit["last_version"]])

    def unlisted(self, clinic_id: str) -> list[dict]:
        """The clinic's commits its read model may not show yet (EventStore.unlisted)."""
        return self.store.unlisted(clinic_id)

    def mark_listed(self, commit_ids: list[str]) -> None:
        self.store.mark_listed(commit_ids)

    @staticmethod
    def _envelope(clinic_id, stream_id, client_id, sequence, event, correlation_id) -> CloudEvent:
        kind, data = type_of(event), to_data(event)
        validate(kind.name, kind.current_version, data)  # the contract is checked before anything is stored
        return CloudEvent(type=kind.name, source=SOURCE, subject=stream_id, schemaversion=kind.current_version,
                          clinicid=clinic_id, sequence=sequence, partitionkey=client_id, data=data,
                          correlationid=correlation_id)
