"""The reports API and its dashboard with an identity provider: provider tokens read reports, and the page
signs in there (authorization code with PKCE) instead of asking for a pasted token.

The provider is the test's own (tests/identity_provider.py); the browser test needs Debian's Chromium.
"""
import threading
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from services.reports.app import create_app
from services.reports.projection import reports_projection
from tests.identity_provider import AUDIENCE
from tests.unit.reports.reports_builders import Story, apply_events

pytestmark = pytest.mark.integration

CHROMIUM = Path("/usr/bin/chromium")
CLINIC = "clinic-sign-in"
CLIENT_ID = "reports-dashboard"


@pytest.fixture(scope="module")
def seeded_db(reports_settings, reports_db):
    story = Story(clinic=CLINIC, client="client-1", clinician="dr-lee")
    story.goal("goal-1", at=datetime(2025, 3, 3, 9, tzinfo=timezone.utc), milestones=2, title="Take the bus")
    apply_events(reports_projection(), reports_db, story.events)
    return reports_db


def app_with(identity_provider, reports_settings, db, **changes):
    settings = replace(reports_settings, jwt_jwks_url=identity_provider.jwks_url, jwt_issuer=identity_provider.issuer,
                       jwt_audience=AUDIENCE, **changes)
    return create_app(settings, db)


def test_a_providers_token_reads_a_report(identity_provider, reports_settings, seeded_db):
    client = app_with(identity_provider, reports_settings, seeded_db).test_client()
    token = identity_provider.sign(identity_provider.add_key("RS256"), clinic_id=CLINIC, sub="dr-lee")

    response = client.get("/v1/reports/clients/client-1", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 200 and response.json["goals_total"] == 1


def test_the_dashboard_page_carries_the_providers_public_sign_in_values_only(identity_provider, reports_settings,
                                                                             seeded_db):
    client = app_with(identity_provider, reports_settings, seeded_db, oidc_client_id=CLIENT_ID).test_client()

    page = client.get("/dashboard")
    html = page.get_data(as_text=True)

    assert f'"issuer": "{identity_provider.issuer}"' in html and f'"client_id": "{CLIENT_ID}"' in html
    assert 'id="sign-in"' in html and 'id="token"' not in html
    assert reports_settings.jwt_secret not in html and "secret" not in html.lower()
    assert f"connect-src 'self' {identity_provider.issuer};" in page.headers["Content-Security-Policy"]


def test_without_a_provider_the_dashboard_asks_for_a_pasted_token(reports_settings, seeded_db):
    page = create_app(reports_settings, seeded_db).test_client().get("/dashboard")
    html = page.get_data(as_text=True)

    assert 'id="token"' in html and 'id="sign-in"' not in html
    assert '<script type="application/json" id="sign-in-config">null</script>' in html
    assert "connect-src 'self';" in page.headers["Content-Security-Policy"]


@pytest.fixture
def served_dashboard(identity_provider, reports_settings, seeded_db):
    """The reports API with a provider and the dashboard's client id, over HTTP on a free port."""
    server = make_server("127.0.0.1", 0, app_with(identity_provider, reports_settings, seeded_db,
                                                   oidc_client_id=CLIENT_ID), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Chromium at /usr/bin/chromium (apt-get install -y chromium)")
def test_a_clinician_signs_in_at_the_provider_and_sees_a_clients_progress(identity_provider, served_dashboard):
    from playwright.sync_api import sync_playwright

    identity_provider.add_key("ES256")
    identity_provider.signed_in_claims = {"sub": "dr-lee", "clinic_id": CLINIC, "role": "clinician"}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = browser.new_page()
            errors = []
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            page.goto(f"{served_dashboard}/dashboard")
            page.click("#sign-in")
            page.locator("#status", has_text="Signed in.").wait_for(timeout=15_000)
            assert page.url == f"{served_dashboard}/dashboard"  # the code has left the address bar
            page.fill("#client-id", "client-1")
            page.click("button[type=submit]")
            page.wait_for_selector("#report", state="visible", timeout=15_000)

            assert page.inner_text("#client-heading") == "Client client-1"
            assert "Take the bus" in page.inner_text("#milestones")
            assert errors == [] and identity_provider.pending_codes == {}
        finally:
            browser.close()
