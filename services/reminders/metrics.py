"""Prometheus metrics of the reminders dispatcher (served on its metrics port, shared.runtime.config)."""
from __future__ import annotations

from prometheus_client import Counter

SUBJECTS_PLANNED = Counter("reminders_subjects_planned_total", "Goals and clients planned", ["subject", "result"])
DELIVERY_ATTEMPTS = Counter("reminders_delivery_attempts_total", "Delivery attempts by result",
                            ["result"])  # sent, retry, failed, expired, lease-lost
