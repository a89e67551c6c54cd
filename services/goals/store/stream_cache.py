"""A per-process cache of recently used streams, for deciding commands without a store read.

Correct with any number of processes because nothing is decided finally on a
cached stream: an append after a cached stream that another process has moved on
fails the store's version guard (ConcurrencyConflict), and the service then
decides again on a fresh load; a refusal, or a decision that nothing changes,
taken on a cached stream is also re-checked on a fresh load (see
GoalsService._decide_goal_change). Entries are keyed by
(clinic, stream), so the tenant check of `Streams.load` holds for cached reads too.
Reads that answer GETs always load fresh.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import replace

from services.goals.store.streams import Stream, Streams
from shared.store.eventstore import AlreadyApplied, ConcurrencyConflict, Request


class CachedStreams:
    def __init__(self, streams: Streams, capacity: int = 10_000):
        self.streams, self.capacity = streams, capacity
        self._entries: OrderedDict[tuple[str, str], Stream] = OrderedDict()
        self._lock = threading.Lock()

    def load(self, clinic_id: str, stream_id: str, fresh: bool = True) -> Stream:
        """The stream; from the cache (marked `cached`) unless `fresh` or not cached."""
        if not fresh:
            with self._lock:
                cached = self._entries.get((clinic_id, stream_id))
                if cached is not None:
                    self._entries.move_to_end((clinic_id, stream_id))
                    return cached
        stream = self.streams.load(clinic_id, stream_id)
        if stream.events:
            self._keep(clinic_id, stream_id, stream)
        return stream

    def append(self, clinic_id: str, stream_id: str, client_id: str, before: Stream | None, events: list,
               correlation_id: str | None = None, request: Request | None = None, listed: bool = True) -> Stream:
        """Append after `before` (None: a new stream), see Streams.append; the stream as it now is."""
        before = before or Stream([], [])
        try:
            stored = self.streams.append(clinic_id, stream_id, client_id, before.version, events, correlation_id,
                                         request, listed)
        except (ConcurrencyConflict, AlreadyApplied):
            self._forget(clinic_id, stream_id)
            raise
        after = Stream(before.events + list(events), before.envelopes + stored)
        self._keep(clinic_id, stream_id, after)
        return after

    def applied(self, clinic_id: str, request: Request) -> Stream | None:
        """What the request's commit left (Streams.applied), from the store."""
        return self.streams.applied(clinic_id, request)

    def unlisted(self, clinic_id: str) -> list[dict]:
        return self.streams.unlisted(clinic_id)

    def mark_listed(self, commit_ids: list[str]) -> None:
        self.streams.mark_listed(commit_ids)

    def _keep(self, clinic_id: str, stream_id: str, stream: Stream) -> None:
        if self.capacity <= 0:
            return
        with self._lock:
            known = self._entries.get((clinic_id, stream_id))
            if known is not None and known.version > stream.version:
                return  # a newer append of this process got there first
            self._entries[(clinic_id, stream_id)] = replace(stream, cached=True)
            self._entries.move_to_end((clinic_id, stream_id))
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)

    def _forget(self, clinic_id: str, stream_id: str) -> None:
        with self._lock:
            self._entries.pop((clinic_id, stream_id), None)
