"""Every read of the reports documents: by the reports (the database and the caller's clinic) and by the projector.

Each read is one query, by ``_id`` except the caseload's (its index is declared here,
shared.store.indexes). A report read leaves out what no report shows
(PROJECTOR_BOOKKEEPING); the projector reads only the clients' logs.
"""
from __future__ import annotations

from pymongo import ASCENDING, IndexModel

from services.reports.store.documents import (CLIENT_SUMMARY, CLINIC_MONTH, CLINIC_SPANS, GOAL_PROGRESS,
                                              PROJECTOR_BOOKKEEPING, client_summary_id, clinic_month_id,
                                              goal_progress_id)
from shared.store import indexes
from shared.store.indexes import Query
from shared.store.projection import Context

INDEXES = indexes.declare(  # the caseload: the clinic's summaries that name the clinician
    {CLIENT_SUMMARY: [IndexModel([("clinic_id", ASCENDING), ("clinician_ids", ASCENDING)])]},
    [Query.of(CLIENT_SUMMARY, equal=["clinic_id", "clinician_ids"])])
LOG_ONLY = {"log": 1}


def goal_document(db, clinic_id: str, goal_id: str) -> dict | None:
    """The goal's progress document in the clinic (a stub, or None, when its goal-created is unknown)."""
    return db[GOAL_PROGRESS].find_one({"_id": goal_progress_id(clinic_id, goal_id)})


def goal_documents(db, clinic_id: str, goal_ids: list[str]) -> list[dict]:
    """The progress documents of these goals of the clinic."""
    ids = [goal_progress_id(clinic_id, goal_id) for goal_id in goal_ids]
    return list(db[GOAL_PROGRESS].find({"_id": {"$in": ids}})) if ids else []


def client_summary(db, clinic_id: str, client_id: str) -> dict | None:
    return db[CLIENT_SUMMARY].find_one({"_id": client_summary_id(clinic_id, client_id)}, PROJECTOR_BOOKKEEPING)


def caseload(db, clinic_id: str, clinician_id: str) -> list[dict]:
    """The summaries of the clinic's clients the clinician set a goal for or saw in a session."""
    return list(db[CLIENT_SUMMARY].find({"clinic_id": clinic_id, "clinician_ids": clinician_id},
                                        PROJECTOR_BOOKKEEPING))


def clinic_documents(db, clinic_id: str, months: list[str]) -> tuple[list[dict], list[dict]]:
    """The clinic's ``clinic_month`` and ``clinic_spans`` documents of these months."""
    ids = [clinic_month_id(clinic_id, month) for month in months]
    return (list(db[CLINIC_MONTH].find({"_id": {"$in": ids}}, PROJECTOR_BOOKKEEPING)),
            list(db[CLINIC_SPANS].find({"_id": {"$in": ids}}, PROJECTOR_BOOKKEEPING)))


def client_log(ctx: Context, summary_id: str) -> list[dict]:
    """The stored log of one client summary (empty when there is none yet)."""
    return (ctx.collection(CLIENT_SUMMARY).find_one({"_id": summary_id}, LOG_ONLY) or {}).get("log", [])


def client_logs(ctx: Context, summary_ids: list[str]) -> dict[str, list[dict]]:
    """{summary id: stored log} of these client summaries, in one query (empty logs included)."""
    found = {document["_id"]: document.get("log", [])
             for document in ctx.collection(CLIENT_SUMMARY).find({"_id": {"$in": summary_ids}}, LOG_ONLY)
             } if summary_ids else {}
    return {summary_id: found.get(summary_id, []) for summary_id in summary_ids}
