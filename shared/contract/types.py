"""The name of every event type: use these constants, never the bare strings (pure)."""
from __future__ import annotations

GOAL_CREATED = "goal-created"
MILESTONE_ADDED = "milestone-added"
MILESTONE_REACHED = "milestone-reached"
GOAL_STATUS_CHANGED = "goal-status-changed"
GOAL_REVISED = "goal-revised"
SESSION_LOGGED = "session-logged"
SHARING_CHANGED = "sharing-changed"
REMINDER_SENT = "reminder-sent"
REMINDER_FAILED = "reminder-failed"
