"""The dashboard in headless Chromium: a clinician's token and a client id in, charts a clinician can read out.

Needs Debian's Chromium (`apt-get install -y chromium`); the screenshot is kept in artifacts/.
"""
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests

from shared.runtime.config import Settings
from tests.support import publish, wait_until
from tests.unit.reports.reports_builders import Story

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
PHQ9 = [19, 17, 16, 14, 12, 11, 9, 7]
GAD7 = [15, 14, 12, 11, 9, 8, 6, 5]

pytestmark = [pytest.mark.e2e, pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Chromium at /usr/bin/chromium "
                                                                 "(apt-get install -y chromium)")]


def seeded_story(clinic: str) -> Story:
    """Five months of therapy for one client: weekly-ish sessions with measures, two goals, milestones."""
    start = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=150)
    story = Story(clinic=clinic, client="client-dash", clinician="clinician-dash")
    story.goal("dash-goal-1", at=start, milestones=3, title="Take the bus to work")
    story.goal("dash-goal-2", at=start + timedelta(days=40), category="depression", milestones=2,
               title="Walk outside three times a week")
    for n, (phq9, gad7) in enumerate(zip(PHQ9, GAD7)):
        story.session(f"dash-s{n}", start + timedelta(days=18 * n + 1), phq9=phq9, gad7=gad7, item9=0,
                      ratings={"dash-goal-1": min(-1 + n // 2, 2), "dash-goal-2": 0 if n > 2 else None})
    story.session("dash-missed", start + timedelta(days=60), attendance="no-show")
    story.reach("dash-goal-1", "dash-goal-1-m1", start + timedelta(days=30))
    story.reach("dash-goal-1", "dash-goal-1-m2", start + timedelta(days=70))
    story.reach("dash-goal-2", "dash-goal-2-m1", start + timedelta(days=90))
    story.status("dash-goal-1", start + timedelta(days=130), "completed", "achieved")
    return story


@pytest.fixture
def seeded_client(running_platform, token):
    clinic = f"clinic-dash-{uuid.uuid4().hex[:6]}"
    settings = Settings(service="reports", topic_prefix=running_platform.env["KAFKA_TOPIC_PREFIX"])
    publish(settings, seeded_story(clinic).events)
    bearer = token("clinician", clinic_id=clinic)
    url = f"{running_platform.url('reports')}/v1/reports/clients/client-dash"

    def projected():
        response = requests.get(url, headers={"Authorization": bearer}, timeout=5)
        return response.status_code == 200 and response.json()["goals_by_status"].get("completed") == 1
    wait_until(projected, timeout=60, interval=0.5, message="the seeded client's report")
    return bearer


def test_the_dashboard_draws_a_clients_progress(running_platform, seeded_client):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            errors = []
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            page.goto(f"{running_platform.url('reports')}/dashboard")
            page.fill("#token", seeded_client)
            page.fill("#client-id", "client-dash")
            page.click("button[type=submit]")
            page.wait_for_selector("#report", state="visible", timeout=15_000)

            assert page.inner_text("#client-heading") == "Client client-dash"
            assert page.inner_text("#phq9-title") == "PHQ-9 (depression) over time"
            assert page.inner_text("#gad7-title") == "GAD-7 (anxiety) over time"
            assert page.locator("#phq9-chart circle.point").count() == len(PHQ9)
            assert page.locator("#gad7-chart circle.point").count() == len(GAD7)
            assert "moderately severe (15–19)" in page.inner_text("#phq9-chart")
            assert "severe (15–21)" in page.inner_text("#gad7-chart")
            assert "First 19, latest 7 (mild): down 12 over 8 sessions." == page.inner_text("#phq9-note")
            assert page.locator("[data-tile='Reliable improvement'] .value").inner_text() == "Yes"
            assert page.locator("[data-tile='Sessions attended'] .value").inner_text() == "8"
            goal = page.locator("[data-goal='dash-goal-1']")
            assert "Take the bus to work" in goal.inner_text()
            assert goal.locator(".goal-count").inner_text() == "2 of 3 milestones reached"
            assert page.locator("#achieved-chart rect.bar-achieved[data-month]").count() == 12
            page.screenshot(path=str(ARTIFACTS / "reports-dashboard.png"), full_page=True)
            assert errors == []
        finally:
            browser.close()


def test_the_dashboard_says_why_when_the_token_is_refused(running_platform, token):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = browser.new_page()
            page.goto(f"{running_platform.url('reports')}/dashboard")
            page.fill("#token", token("partner"))
            page.fill("#client-id", "client-dash")
            page.click("button[type=submit]")
            page.wait_for_selector("#status.error", timeout=15_000)
            assert "may not do this" in page.inner_text("#status")
            assert page.locator("#report").is_hidden()
        finally:
            browser.close()
