"""Stored reminder ids: deterministic, and never shared by two clinics."""

from datetime import datetime, timezone

from services.reminders.domain.plan import Planned
from services.reminders.domain.preferences import Preferences
from services.reminders.domain.rules import follow_up_reminder
from services.reminders.store.documents import stored_reminder_id
from services.reminders.store.plans import Scope, new_document

NOW = datetime(2026, 3, 1, tzinfo=timezone.utc)


def test_two_clinics_with_the_same_client_id_get_different_reminders_for_the_same_follow_up():
    reminder = follow_up_reminder("client-1", datetime(2026, 3, 2, 10, tzinfo=timezone.utc), Preferences())

    ids = {new_document(Planned(reminder), Scope(clinic, "client:client-1"), NOW)["_id"] for clinic in ("a", "b")}

    assert len(ids) == 2


def test_the_stored_id_is_the_same_every_time_the_same_reminder_is_planned():
    assert stored_reminder_id("clinic-1", "r-1") == stored_reminder_id("clinic-1", "r-1")
    assert stored_reminder_id("clinic-1", "r-1") != stored_reminder_id("clinic-1", "r-2")
