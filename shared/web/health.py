"""GET /healthz (the process is alive) and GET /readyz (Kafka and the store reachable)."""
from __future__ import annotations

import socket

from flask import Blueprint, Response, current_app, jsonify
from pymongo.database import Database
from pymongo.errors import PyMongoError

CONNECT_TIMEOUT = 1.0


def kafka_reachable(bootstrap_servers: str) -> bool:
    """Whether one of the brokers accepts a connection within CONNECT_TIMEOUT seconds."""
    for address in bootstrap_servers.split(","):
        host, _, port = address.strip().rpartition(":")
        try:
            with socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_TIMEOUT):
                return True
        except (OSError, ValueError):
            continue
    return False


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
        settings, db = current_app.config["SETTINGS"], current_app.extensions["db"]
        checks = {"kafka": kafka_reachable(settings.kafka_bootstrap_servers), "store": store_reachable(db)}
        failing = [name for name, ok in checks.items() if not ok]
        body = {"status": "ready" if not failing else "not-ready", "checks": checks}
        if failing:
            body["reason"] = f"unreachable: {', '.join(failing)}"
        return jsonify(body), 503 if failing else 200

    return health
