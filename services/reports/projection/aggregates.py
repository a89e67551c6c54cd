"""The clinic aggregates an event changes: ``$inc`` deltas on ``clinic_month`` and ``clinic_spans``.

Each client summary keeps a ``log`` of the client's events that the aggregates
depend on, in the order they were applied. That order is the client's partition
order: every entry is pushed by a guarded update, and whichever worker pushes an
event has already pushed (or seen pushed) every earlier event of the partition.
An event's increments are computed from the log entries that precede it
(domain/contributions.py), so recomputing them is deterministic: a redelivered
event, a batch retried after a partial write or a replay computes the same delta,
and the guard by position on each aggregate document (``applied_offsets``, the
highest offset applied per partition: shared.store.projection) lets it count once,
with bookkeeping bounded by the number of partitions, not of goals and sessions.
That guard cannot see the same event published twice (the relay may repeat a
publication) at two offsets, so each log entry keeps the position its event was
read at, and an event whose entry is logged at another position is such a copy:
it changes no aggregate (its client summary update meets the subject guard).

The log is read from the store (for a whole batch in one query, read_logs, the
projection's ``prepare``), plus the entries of the current batch that are not
written yet (the runtime writes a batch after calling every handler of it): those
are kept per applier context until the store has them.
"""
from __future__ import annotations

from collections import OrderedDict, defaultdict
from datetime import datetime, timezone

from services.reports.domain.contributions import MONTH, event_delta
from services.reports.store.documents import (CLIENT_SUMMARY, CLINIC_MONTH, CLINIC_SPANS, client_summary_id,
                                              clinic_month_id)
from services.reports.store.reads import client_log, client_logs
from shared.contract import types as t
from shared.contract.envelope import CloudEvent
from shared.store.projection import BY_POSITION, Context, Upsert

COLLECTION_OF = {MONTH: CLINIC_MONTH}
LOGGED = frozenset({t.GOAL_CREATED, t.GOAL_STATUS_CHANGED, t.SESSION_LOGGED})
STORED_LOGS = "_reports_stored_logs"  # the logs read for the current batch (read_logs)
PENDING_CLIENTS = 10_000  # far above the clients of one batch (at most 2,000 records)


def log_entry(event: CloudEvent, kind: str, at: datetime, **facts) -> dict:
    """The client's log entry of the event: which event (aggregate and sequence), its kind, time (UTC) and facts.

    With the position the event was read at, when it has one (the consumer runtime sets it).
    """
    read_at = {} if event.position is None else {"position": list(event.position)}
    return {"k": f"{event.subject}#{event.sequence}", "type": kind,
            "at": at.astimezone(timezone.utc).isoformat().replace("+00:00", "Z"), **facts, **read_at}


def summary_change(event: CloudEvent, update: dict) -> Upsert:
    """The client summary's Upsert, its owner fields set."""
    client_id = event.data["client_id"]
    update = {**update, "$set": {"clinic_id": event.clinicid, "client_id": client_id, **update.get("$set", {})}}
    return Upsert(CLIENT_SUMMARY, client_summary_id(event.clinicid, client_id), update)


def logged_changes(event: CloudEvent, ctx: Context, update: dict, logged: dict) -> list:
    """The client summary's Upsert with the log entry pushed, and the aggregate increments the entry makes."""
    summary = summary_change(event, {**update, "$push": {**update.get("$push", {}), "log": logged}})
    return [summary, *aggregate_changes(event, ctx, summary.id, logged)]


def aggregate_changes(event: CloudEvent, ctx: Context, summary_id: str, entry: dict) -> list[Upsert]:
    """The event's increments of its clinic's aggregates, one Upsert per aggregate document (none for a copy)."""
    before = preceding_entries(ctx, summary_id, entry)
    if before is None:
        return []
    changed = event_delta(before, entry)
    by_document: dict[tuple[str, str], dict] = defaultdict(dict)
    for (kind, month, path), amount in changed.items():
        by_document[(COLLECTION_OF.get(kind, CLINIC_SPANS), month)][path] = amount
    return [Upsert(collection, clinic_month_id(event.clinicid, month),
                   {"$set": {"clinic_id": event.clinicid, "month": month}, "$inc": increments}, guard=BY_POSITION)
            for (collection, month), increments in sorted(by_document.items())]


def preceding_entries(ctx: Context, summary_id: str, entry: dict) -> list[dict] | None:
    """The client's log before `entry`: the stored log and this batch's unwritten entries, in order.

    None when the log holds the event read at another position: a second publication of it.
    """
    read = vars(ctx).get(STORED_LOGS, {})
    stored = read[summary_id] if summary_id in read else client_log(ctx, summary_id)
    written = {item["k"] for item in stored}
    pending = _pending(ctx)
    unwritten = [item for item in pending.pop(summary_id, []) if item["k"] not in written]
    known = [*stored, *unwritten]
    index = next((n for n, item in enumerate(known) if item["k"] == entry["k"]), None)
    if index is None:
        unwritten.append(entry)
        index = len(known)
        known.append(entry)
    pending[summary_id] = unwritten
    while len(pending) > PENDING_CLIENTS:
        pending.popitem(last=False)
    if known[index].get("position") != entry.get("position"):
        return None
    return known[:index]


def read_logs(ctx: Context, events: list[CloudEvent]) -> None:
    """Before a batch's handlers: the stored logs of its clients, in one query (the handlers fall back to one each)."""
    ids = list({client_summary_id(event.clinicid, event.data["client_id"]) for event in events
                if event.type in LOGGED and isinstance(event.data, dict) and "client_id" in event.data})
    vars(ctx)[STORED_LOGS] = client_logs(ctx, ids)


def _pending(ctx: Context) -> OrderedDict:
    """This applier's unwritten log entries per client summary (it lives and dies with the context)."""
    return vars(ctx).setdefault("_reports_unwritten_log", OrderedDict())
