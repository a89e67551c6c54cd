"""GET /dashboard: a page that draws a client's progress from the JSON API, in the browser.

Decision: the page itself holds no data and needs no token. The clinician pastes
a token into the page; the script keeps it in sessionStorage (gone when the tab
closes) and sends it in the Authorization header of each API call. A token in the
URL would leak into browser history, proxy logs and the Referer header. The page
is locked down with a Content-Security-Policy (own scripts only, no inline code).
"""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, render_template

from services.reports.domain.measures import measure_scales

HERE = Path(__file__).parent
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
                               "img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}

blp = Blueprint("dashboard", __name__, static_folder=str(HERE / "static"), static_url_path="/dashboard/static",
                template_folder=str(HERE / "templates"))


@blp.get("/dashboard")
def dashboard():
    """The progress dashboard (static page; data comes from the JSON API with the user's token)."""
    return render_template("dashboard.html", scales=measure_scales())


@blp.after_request
def locked_down(response):
    response.headers.update(SECURITY_HEADERS)
    return response
