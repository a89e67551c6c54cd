"""/readyz of every API means "can serve this process's requests": its store answers, whatever Kafka does."""
import pytest
from pymongo import MongoClient

from services.goals.app import create_app as goals_app
from services.goals.settings import GoalsSettings
from services.reminders.app import create_app as reminders_app
from services.reminders.settings import RemindersSettings
from services.reports.app import create_app as reports_app
from services.reports.settings import ReportsSettings
from shared.store import mongo

pytestmark = pytest.mark.integration

NO_KAFKA = "127.0.0.1:1"  # nothing listens there
APPS = {"goals": (goals_app, GoalsSettings), "reminders": (reminders_app, RemindersSettings),
        "reports": (reports_app, ReportsSettings)}


@pytest.mark.parametrize("service", sorted(APPS))
def test_an_api_is_ready_while_kafka_is_down(base_env, unique, service):
    create_app, settings_class = APPS[service]
    settings = settings_class(kafka_bootstrap_servers=NO_KAFKA, mongodb_db_prefix=f"t{unique}")

    response = create_app(settings, db=mongo.database(settings)).test_client().get("/readyz")

    assert (response.status_code, response.json["checks"]) == (200, {"store": True})


@pytest.mark.parametrize("service", sorted(APPS))
def test_an_api_is_not_ready_while_its_store_is_down(base_env, service):
    create_app, settings_class = APPS[service]
    unreachable = MongoClient("mongodb://127.0.0.1:1/", serverSelectionTimeoutMS=200, connect=False)["gone"]

    response = create_app(settings_class(), db=unreachable).test_client().get("/readyz")

    assert response.status_code == 503 and response.json["reason"] == "unreachable: store"
