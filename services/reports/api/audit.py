"""Audit trail of reads of personal data: one structured log line per report read or export.

Decision: a log line on the dedicated ``audit`` logger (JSON on stderr like every
log, shipped and retained by the log pipeline), not a collection: a read never
fails or slows down because an audit write did. It names who (subject, role,
clinic), what (report, format, whether it was found) and which ids; it never
carries personal data (titles, scores).
"""
from __future__ import annotations

import logging

from shared.web.auth import principal

log = logging.getLogger("audit")


def audit_read(report: str, response_format: str, found: bool, **ids: str) -> None:
    who = principal()
    log.info("report read", extra={"audit": "report-read", "actor": who.subject, "role": who.role,
                                   "clinic_id": who.clinic_id, "report": report, "format": response_format,
                                   "found": found, **ids})
