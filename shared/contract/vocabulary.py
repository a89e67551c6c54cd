"""Coded values shared by the domain, the event schemas and the APIs (FHIR-aligned where FHIR has them)."""

CATEGORIES = ("anxiety", "depression", "coping-skills", "stress-management",
              "behaviour-change", "relationships", "self-esteem", "other")
PRIORITIES = ("high", "medium", "low")
LIFECYCLE_STATUSES = ("proposed", "planned", "accepted", "active", "on-hold", "completed",
                      "cancelled", "entered-in-error", "rejected")
TERMINAL_LIFECYCLE_STATUSES = ("completed", "cancelled", "entered-in-error", "rejected")
ACHIEVEMENT_STATUSES = ("in-progress", "improving", "worsening", "no-change", "achieved",
                        "sustaining", "not-achieved", "no-progress", "not-attainable")
STATUS_REASONS = ("goal-met", "client-request", "clinician-decision", "no-longer-relevant",
                  "entered-in-error", "other")
ATTENDANCES = ("attended", "no-show", "cancelled-late")
MODALITIES = ("in-person", "video", "phone")
GAS_KEYS = ("-2", "-1", "0", "1", "2")
REMINDER_KINDS = ("session", "milestone-due", "milestone-overdue", "follow-up", "practice")
REVISABLE_GOAL_FIELDS = ("title", "description", "priority", "target_date", "measure", "gas_levels")
SHARING_SCOPES = ("all", "none", "listed")  # which partners receive a client's (pseudonymised) events
