"""What an attempt does to a reminder: sent, retried later, or failed; and the event it leaves to publish."""

from datetime import datetime, timedelta, timezone

from services.reminders.domain.delivery import NO_WEBHOOK, Attempt
from services.reminders.settings import RemindersSettings
from services.reminders.store.outcomes import attempted
from shared.contract.envelope import from_dict
from shared.contract.registry import upcast

UTC = timezone.utc
AT = datetime(2026, 3, 8, 9, 0, 2, tzinfo=UTC)
SETTINGS = RemindersSettings(max_attempts=3, retry_base_seconds=30, retry_max_seconds=600)
DOC = {"_id": "r-1", "clinic_id": "clinic-1", "client_id": "c1", "kind": "session", "goal_id": None,
       "milestone_id": None, "session_id": "s1", "due_at": datetime(2026, 3, 8, 9, tzinfo=UTC),
       "attempts": 0, "deliveries": 0}


def test_a_delivered_attempt_marks_the_reminder_sent_with_an_unpublished_reminder_sent_event():
    update, result = attempted(DOC, Attempt(True, "delivered", 204), AT, SETTINGS)

    values = update["$set"]
    assert (result, values["status"], values["attempts"], values["deliveries"]) == ("sent", "sent", 1, 1)
    assert values["lease_owner"] is None and values["outcome"]["published"] is False
    event = upcast(from_dict(values["outcome"]["event"]))
    assert (event.type, event.subject, event.sequence, event.partitionkey, event.clinicid) == (
        "reminder-sent", "r-1", 1, "c1", "clinic-1")
    assert update["$push"]["history"] == {"at": AT, "attempt": 1, "result": "delivered", "status_code": 204}


def test_a_retryable_failure_with_attempts_left_waits_for_its_backoff_in_the_document():
    update, result = attempted({**DOC, "attempts": 1}, Attempt(False, "http-503", 503, True), AT, SETTINGS)

    assert result == "retry"
    assert (update["$set"]["status"], update["$set"]["send_at"]) == ("pending", AT + timedelta(seconds=60))
    assert "outcome" not in update["$set"]


def test_the_last_attempt_or_a_final_answer_fails_the_reminder_with_a_reminder_failed_event():
    for doc, attempt in (({**DOC, "attempts": 2}, Attempt(False, "timeout", None, True)),
                         (DOC, Attempt(False, "http-410", 410, False)), (DOC, NO_WEBHOOK)):
        update, result = attempted(doc, attempt, AT, SETTINGS)
        event = upcast(from_dict(update["$set"]["outcome"]["event"]))
        assert (result, update["$set"]["status"], event.type) == ("failed", "failed", "reminder-failed")
        assert event.data["error"] == attempt.result and event.data["attempts"] == doc["attempts"] + 1


def test_the_same_delivery_always_gives_the_same_event_id_and_a_snoozed_redelivery_a_new_one():
    first, _ = attempted(DOC, Attempt(True, "delivered", 200), AT, SETTINGS)
    again, _ = attempted(DOC, Attempt(True, "delivered", 200), AT + timedelta(seconds=5), SETTINGS)
    redelivery, _ = attempted({**DOC, "deliveries": 1}, Attempt(True, "delivered", 200), AT, SETTINGS)

    ids = [u["$set"]["outcome"]["event"]["id"] for u in (first, again, redelivery)]
    assert ids[0] == ids[1] != ids[2]
    assert redelivery["$set"]["outcome"]["event"]["sequence"] == 2
