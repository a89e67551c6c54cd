"""The reminders database: collections, document ids and the shapes both writers and readers use.

Compound ids (shared.store.mongo.compound_id) keep two tenants' ids apart. Times are
stored as BSON dates (UTC); calendar dates as ISO strings.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

from shared.store.mongo import compound_id

REMINDERS = "reminders"                    # _id reminder_id (planned by the planner, delivered by the dispatcher)
GOAL_FACTS = "goal_facts"                  # _id clinic:goal      (the projection)
CLIENT_FACTS = "client_facts"              # _id clinic:client    (the projection)
PLANNING_REQUESTS = "planning_requests"    # _id event id or uuid (the projection, the API; see store/planning)
CLIENT_PREFERENCES = "client_preferences"  # _id clinic:client    (the API)
CLINIC_PREFERENCES = "clinic_preferences"  # _id clinic           (the API)
FACT_COLLECTIONS = (GOAL_FACTS, CLIENT_FACTS)
PROJECTION_COLLECTIONS = FACT_COLLECTIONS + (PLANNING_REQUESTS,)
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
TENANT_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:therapy-goals:reminders:clinic")


def goal_key(clinic_id: str, goal_id: str) -> str:
    return compound_id(clinic_id, goal_id)


def client_key(clinic_id: str, client_id: str) -> str:
    return compound_id(clinic_id, client_id)


def plan_key(subject: str, subject_id: str) -> str:
    """Which plan a reminder belongs to: `goal:<goal_id>` or `client:<client_id>` (within its clinic)."""
    return f"{subject}:{subject_id}"


def stored_reminder_id(clinic_id: str, reminder_id: str) -> str:
    """The reminder's id in this service (documents, API, webhooks, events): the domain's id scoped to the
    clinic, still deterministic, so two clinics' reminders never share an id even if their client ids do."""
    return str(uuid.uuid5(TENANT_NAMESPACE, f"{clinic_id}|{reminder_id}"))
