"""Query-string arguments of the reports API."""
from __future__ import annotations

from datetime import datetime, timezone

from marshmallow import Schema, ValidationError, fields, post_load, validate

from services.reports.domain.months import MONTH_PATTERN, month_index, month_name

DEFAULT_MONTHS = 12
LONGEST_RANGE_MONTHS = 60
MONTH = validate.Regexp(MONTH_PATTERN, error="Must be a month as YYYY-MM, e.g. 2025-03.")


class FormatQuery(Schema):
    format = fields.String(validate=validate.OneOf(["json", "csv"]), metadata={
        "description": "json (default) or csv; `Accept: text/csv` also asks for CSV"})


class ClinicQuery(FormatQuery):
    from_ = fields.String(data_key="from", validate=MONTH, metadata={
        "description": "First month, YYYY-MM (UTC); default: 11 months before `to`"})
    to = fields.String(validate=MONTH, metadata={"description": "Last month, YYYY-MM (UTC); default: this month"})

    @post_load
    def fill_and_check_range(self, data: dict, **_kwargs) -> dict:
        last = data.get("to") or datetime.now(timezone.utc).strftime("%Y-%m")
        first = data.get("from_") or month_name(month_index(last) - DEFAULT_MONTHS + 1)
        if month_index(first) > month_index(last):
            raise ValidationError("Must not be before `from`.", field_name="to")
        if month_index(last) - month_index(first) + 1 > LONGEST_RANGE_MONTHS:
            raise ValidationError(f"The range may span at most {LONGEST_RANGE_MONTHS} months.", field_name="from")
        return {**data, "from_": first, "to": last}
