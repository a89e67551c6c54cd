"""The one CSV writer of the reports API: negotiation, cells, and the attachment response.

Files are UTF-8 with a byte-order mark (so spreadsheet programs read accents
right) and CRLF line ends (RFC 4180). A text cell starting with = + - @ or a tab
is prefixed with an apostrophe, so a goal title can never run as a formula.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import date, datetime

from flask import Response, request

CSV = "text/csv"
JSON = "application/json"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def wants_csv(requested_format: str | None) -> bool:
    """?format= wins; without it, an Accept header preferring text/csv over JSON."""
    if requested_format:
        return requested_format == "csv"
    return request.accept_mimetypes.best_match([JSON, CSV]) == CSV


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return str(value)


def csv_response(filename: str, columns: list[str], rows: Iterable[dict]) -> Response:
    """A CSV attachment with the columns in order (missing cells empty)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([cell(row.get(column)) for column in columns] for row in rows)
    safe_name = re.sub(r"[^A-Za-z0-9._-]", "_", filename)
    return Response(("\ufeff" + buffer.getvalue()).encode("utf-8"), mimetype=CSV,
                    headers={"Content-Disposition": f'attachment; filename="{safe_name}"'})
