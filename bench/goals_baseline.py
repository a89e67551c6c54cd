"""The goals API plus a benchmark-only baseline: one insert into the goals store, behind the same auth as the API.

    gunicorn -c deploy/gunicorn.conf.py "bench.goals_baseline:create_app()"

bench/goals_reached.py serves this app, so the baseline and the API's commands run in the
same server processes under the same load. The production app (services.goals.app) has
no such endpoint; this one is not in the OpenAPI document.
"""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, jsonify

from services.goals import app as goals_app
from services.goals.api.http import staff_only
from shared.web.app import service_db
from shared.web.auth import principal

COLLECTION = "bench_baseline"


def create_app():
    app = goals_app.create_app()
    app.register_blueprint(baseline(service_db(app)))
    return app


def baseline(db) -> Blueprint:
    blueprint = Blueprint("bench_baseline", __name__)

    @blueprint.post("/bench/baseline")
    @staff_only
    def insert_one():
        db[COLLECTION].insert_one({"clinic_id": principal().clinic_id, "at": datetime.now(timezone.utc)})
        return jsonify(stored=True), 201

    return blueprint
