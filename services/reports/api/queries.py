"""Query-string arguments of the reports API (unknown ones are refused: shared.web.queries)."""
from __future__ import annotations

from datetime import datetime, timezone

from marshmallow import Schema, fields, post_load, validate

from services.reports.domain.errors import MonthsReversed, RangeTooLong
from services.reports.domain.months import month_index, month_name

DEFAULT_MONTHS = 12
LONGEST_RANGE_MONTHS = 60
# The years of the goals API's dates: a month outside them holds nothing, and year 0 or 10000 is no date at all
REPORT_MONTH = r"^(19\d\d|2[01]\d\d)-(0[1-9]|1[0-2])$"
MONTH = validate.Regexp(REPORT_MONTH, error="Must be a month from 1900-01 to 2199-12 as YYYY-MM, e.g. 2025-03.")


class FormatQuery(Schema):
    format = fields.String(validate=validate.OneOf(["json", "csv"]), metadata={
        "description": "json (default) or csv; `Accept: text/csv` also asks for CSV"})


class ClinicQuery(FormatQuery):
    from_ = fields.String(data_key="from", validate=MONTH, metadata={
        "description": "First month, YYYY-MM (UTC); default: 11 months before `to`. At most "
                       f"{LONGEST_RANGE_MONTHS} months before `to` (422 `range-too-long`)"})
    to = fields.String(validate=MONTH, metadata={
        "description": "Last month, YYYY-MM (UTC); default: this month. Not before `from` (422 `months-reversed`)"})

    @post_load
    def fill_and_check_range(self, data: dict, **_kwargs) -> dict:
        last = data.get("to") or datetime.now(timezone.utc).strftime("%Y-%m")
        first = data.get("from_") or month_name(month_index(last) - DEFAULT_MONTHS + 1)
        if month_index(first) > month_index(last):
            raise MonthsReversed()
        if month_index(last) - month_index(first) + 1 > LONGEST_RANGE_MONTHS:
            raise RangeTooLong(detail=f"a range of at most {LONGEST_RANGE_MONTHS} months")
        return {**data, "from_": first, "to": last}
