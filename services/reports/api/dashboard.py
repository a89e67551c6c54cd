"""GET /dashboard: a page that draws a client's progress from the JSON API, in the browser.

Decision: the page itself holds no data and needs no token. With an identity provider configured
(JWT_JWKS_URL, JWT_ISSUER, OIDC_CLIENT_ID) the clinician signs in there: the script runs the authorization
code flow with PKCE (static/sign_in.js), a public client with no secret, the provider's endpoints from its
discovery document. Without one (development) the clinician pastes a token. Either way the script keeps the
token in sessionStorage (gone when the tab closes) and sends it in the Authorization header of each API
call. A token in the URL would leak into browser history, proxy logs and the Referer header. The page is
locked down with a Content-Security-Policy (own scripts only, no inline code; connections to this origin
and the provider's only).
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint, current_app, render_template

from services.reports.domain.measures import measure_scales
from services.reports.settings import ReportsSettings

HERE = Path(__file__).parent
CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src {connect}; "
                           "img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}

blp = Blueprint("dashboard", __name__, static_folder=str(HERE / "static"), static_url_path="/dashboard/static",
                template_folder=str(HERE / "templates"))


def sign_in(settings: ReportsSettings) -> dict[str, str] | None:
    """What the page needs to sign in through the identity provider (public values only), or None."""
    if not (settings.oidc_client_id and settings.jwt_jwks_url):
        return None
    return {"issuer": settings.jwt_issuer, "client_id": settings.oidc_client_id, "scope": settings.oidc_scope}


def connect_sources(settings: ReportsSettings) -> str:
    """This origin, and the identity provider's, where the page fetches its discovery document and the token."""
    if sign_in(settings) is None:
        return "'self'"
    issuer = urlsplit(settings.jwt_issuer)
    return f"'self' {issuer.scheme}://{issuer.netloc}"


@blp.get("/dashboard")
def dashboard():
    """The progress dashboard (static page; data comes from the JSON API with the user's token)."""
    return render_template("dashboard.html", scales=measure_scales(), sign_in=sign_in(current_app.config["SETTINGS"]))


@blp.after_request
def locked_down(response):
    response.headers.update(SECURITY_HEADERS)
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.format(
        connect=connect_sources(current_app.config["SETTINGS"]))
    return response
