"""The refusals of the reports service (shared.domain.errors.DomainError; answered in shared/web/errors.py).

A report of an id the caller's clinic does not know is not found, exactly like one
of another clinic. These answers carry no ``error_code`` (the code is empty): the
field names what was not found.
"""
from __future__ import annotations

from shared.domain.errors import DomainError


class GoalReportNotFound(DomainError):
    kind, code, field = "not-found", "", "goal_id"
    message = "No goal report for this id in your clinic"


class ClientReportNotFound(DomainError):
    kind, code, field = "not-found", "", "client_id"
    message = "No client report for this id in your clinic"


class ClinicianReportNotFound(DomainError):
    kind, code, field = "not-found", "", "clinician_id"
    message = "No clinician report for this id in your clinic"


class MonthsReversed(DomainError):
    code, field = "months-reversed", "to"
    message = "Must not be before `from`"


class RangeTooLong(DomainError):
    code, field = "range-too-long", "from"
