"""GET /healthz (the process is alive) and GET /readyz (it can serve its requests: its store answers).

An API needs only its store: the goals API stores commands there (the store is the
outbox, the relay publishes later) and the reminders and reports APIs read their
projections there. So Kafka being away never makes an API unready; the relay's
backlog and the consumers' lag say how far behind Kafka is (their metrics).
"""
from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify
from pymongo.database import Database
from pymongo.errors import PyMongoError


def store_reachable(db: Database) -> bool:
    try:
        db.client.admin.command("ping")
        return True
    except PyMongoError:
        return False


def blueprint() -> Blueprint:
    health = Blueprint("health", __name__)

    @health.get("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok")

    @health.get("/readyz")
    def readyz() -> tuple[Response, int]:
        checks = {"store": store_reachable(current_app.extensions["db"])}
        failing = [name for name, ok in checks.items() if not ok]
        body = {"status": "ready" if not failing else "not-ready", "checks": checks}
        if failing:
            body["reason"] = f"unreachable: {', '.join(failing)}"
        return jsonify(body), 503 if failing else 200

    return health
