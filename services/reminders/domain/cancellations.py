"""Which facts cancel or supersede which pending reminders.

The projection keeps reminders it has computed; when a new fact arrives it
asks these predicates which pending (not yet sent) ones to drop before
adding the reminders the fact implies. Predicates look only at the reminder
and the fact's ids, so they are cheap to use in a store query too:

* milestone-reached -> that milestone's due-soon and overdue reminders;
* goal-status-changed to a status that stops reminders -> every reminder of
  the goal (milestones and practice); going back to active recomputes them;
* session-logged with next_session_at -> the client's earlier session
  reminders (not those of the new session itself, so replay is harmless);
* an attended session -> the client's pending inactivity follow-up
  (a missed-in-a-row follow-up, which carries a session_id, stays).
"""

from __future__ import annotations

from .reminder import Reminder

MILESTONE_KINDS = frozenset({"milestone-due", "milestone-overdue"})
CLOSED_LIFECYCLE_STATUSES = frozenset({"completed", "cancelled", "entered-in-error", "rejected"})
PAUSED_LIFECYCLE_STATUSES = frozenset({"on-hold"})


def stops_goal_reminders(lifecycle_status: str) -> bool:
    """True when a goal in this FHIR lifecycle status must not remind anyone."""
    return lifecycle_status in CLOSED_LIFECYCLE_STATUSES | PAUSED_LIFECYCLE_STATUSES


def cancelled_by_milestone_reached(reminder: Reminder, milestone_id: str) -> bool:
    """A reached milestone cancels its due-soon and overdue reminders."""
    return reminder.kind in MILESTONE_KINDS and reminder.milestone_id == milestone_id


def cancelled_by_goal_closed(reminder: Reminder, goal_id: str) -> bool:
    """A closed (or paused) goal cancels every reminder that belongs to it."""
    return reminder.goal_id is not None and reminder.goal_id == goal_id


def superseded_by_new_session(reminder: Reminder, client_id: str,
                              new_session_id: str | None = None) -> bool:
    """A newly scheduled next session replaces the client's other session reminders."""
    return (reminder.kind == "session" and reminder.client_id == client_id
            and (new_session_id is None or reminder.session_id != new_session_id))


def superseded_by_attended_session(reminder: Reminder, client_id: str) -> bool:
    """An attended session resets the "no session for N days" follow-up."""
    return (reminder.kind == "follow-up" and reminder.client_id == client_id
            and reminder.session_id is None)
