"""Handler of session-logged: ratings into each goal's progress; attendance and measures into the client's summary."""
from __future__ import annotations

from services.reports.domain.attendance import is_missed
from services.reports.domain.measures import GAD7, PHQ9
from services.reports.domain.series import series_entry
from services.reports.projection.aggregates import log_entry, logged_changes
from services.reports.store.documents import GOAL_PROGRESS, goal_progress_id, map_key
from shared.contract.envelope import CloudEvent
from shared.domain.time import instant
from shared.store.projection import Context, Upsert


def session_logged(event: CloudEvent, ctx: Context) -> list:
    at = instant(event.data["occurred_at"])
    return [*_ratings(event, at), *_client_summary(event, ctx, at)]


def _ratings(event: CloudEvent, at) -> list[Upsert]:
    """One push per rated goal (a goal listed twice keeps its last rating: one change per document)."""
    ratings = {goal["goal_id"]: goal["rating"] for goal in event.data["goals"] if goal["rating"] is not None}
    return [Upsert(GOAL_PROGRESS, goal_progress_id(event.clinicid, goal_id),
                   {"$push": {"ratings": {"at": at, "rating": rating, "session_id": event.data["session_id"]}}})
            for goal_id, rating in ratings.items()]


def _client_summary(event: CloudEvent, ctx: Context, at) -> list:
    """Attendance in total and per clinician; the first and latest session; the measures; the log entry."""
    session = event.data
    counted = "sessions_missed" if is_missed(session["attendance"]) else "sessions_attended"
    clinician = f"sessions_by_clinician.{map_key(session['clinician_id'])}"
    update = {
        "$set": {f"{clinician}.clinician_id": session["clinician_id"]},
        "$inc": {counted: 1, f"{clinician}.{counted}": 1},
        "$min": {"first_session_at": at},
        "$max": {"last_session_at": at, f"{clinician}.last_session_at": at},
        "$addToSet": {"clinician_ids": session["clinician_id"]},
    }
    series = _series_entries(session["measures"], at)
    if series:
        update["$push"] = series
    measures = session["measures"]
    logged = log_entry(event, "session", at, missed=is_missed(session["attendance"]),
                       phq9=measures.get("phq9"), gad7=measures.get("gad7"))
    return logged_changes(event, ctx, update, logged)


def _series_entries(measures: dict, at) -> dict:
    entries = {}
    if measures.get("phq9") is not None:
        entries[PHQ9] = {**series_entry(PHQ9, at, measures["phq9"]), "item9": measures.get("phq9_item9")}
    if measures.get("gad7") is not None:
        entries[GAD7] = series_entry(GAD7, at, measures["gad7"])
    return entries
