"""The reports service's settings: the platform's (shared.runtime.config.Settings), named for the service.

The service reads no environment value of its own; app.py, worker.py and rebuild.py build these.
"""
from __future__ import annotations

from dataclasses import dataclass

from shared.runtime.config import Settings


@dataclass(frozen=True)
class ReportsSettings(Settings):
    service: str = "reports"
