"""Benchmark-only baseline: one insert into the goals store, behind the same auth as the API.

Registered only when GOALS_BENCH_BASELINE=1 (bench/goals_reached.py sets it); it is
not part of the API and not in the OpenAPI document.
"""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, jsonify

from services.goals.api.http import staff_only
from shared.web.auth import principal

COLLECTION = "bench_baseline"


def blueprint(db) -> Blueprint:
    baseline = Blueprint("bench_baseline", __name__)

    @baseline.post("/bench/baseline")
    @staff_only
    def insert_one():
        db[COLLECTION].insert_one({"clinic_id": principal().clinic_id, "at": datetime.now(timezone.utc)})
        return jsonify(stored=True), 201

    return baseline
