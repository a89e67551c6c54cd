"""Reaching a milestone on the running goals service puts `milestone-reached` on the Kafka topic."""
import json
import uuid
from datetime import date, timedelta

import pytest
import requests

from shared.runtime.config import Settings
from shared.messaging.topics import GOALS_EVENTS
from tests.support import read_topic, wait_until

pytestmark = pytest.mark.e2e


def events_on_topic(platform, subject: str) -> list[dict]:
    """The CloudEvents about `subject` on the platform's goals topic (all records read within 3 s)."""
    settings = Settings(service="goals-e2e", kafka_bootstrap_servers=platform.env["KAFKA_BOOTSTRAP_SERVERS"],
                        topic_prefix=platform.env["KAFKA_TOPIC_PREFIX"])
    records = read_topic(settings, GOALS_EVENTS, expected=1_000_000, timeout=3)
    events = [(record.key, json.loads(record.value)) for record in records]
    return [{**event, "key": key.decode()} for key, event in events if event["subject"] == subject]


def test_reaching_a_milestone_publishes_milestone_reached(running_platform, token):
    clinic = f"clinic-{uuid.uuid4().hex[:8]}"
    headers = {"Authorization": token(clinic_id=clinic)}
    goals = running_platform.url("goals")
    goal = requests.post(f"{goals}/v1/goals", headers=headers, timeout=10, json={
        "client_id": "client-kafka", "title": "Walk daily", "category": "behaviour-change",
        "target_date": (date.today() + timedelta(days=30)).isoformat(),
        "milestones": [{"title": "Three walks a week", "due_date": date.today().isoformat()}]}).json()
    milestone = goal["milestones"][0]["milestone_id"]

    reached = requests.post(f"{goals}/v1/goals/{goal['goal_id']}/milestones/{milestone}/reached", headers=headers,
                            timeout=10)

    assert reached.status_code == 200, reached.text
    published = wait_until(lambda: [e for e in events_on_topic(running_platform, goal["goal_id"])
                                    if e["type"] == "milestone-reached"], timeout=60, message="milestone-reached")
    event = published[0]
    assert event["data"]["milestone_id"] == milestone and event["data"]["client_id"] == "client-kafka"
    assert (event["clinicid"], event["sequence"], event["key"]) == (clinic, 2, "client-kafka")
    assert event["data"]["reached_at"] == reached.json()["milestones"][0]["reached_at"]
