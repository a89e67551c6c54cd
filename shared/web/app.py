"""The base of every service's app factory: Flask, flask-smorest, errors, auth, limits, health, docs."""
from __future__ import annotations

import logging
import threading
from typing import Callable

import flask_swagger_ui
from flask import Flask, Response, send_from_directory
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pymongo.database import Database
from pymongo.errors import PyMongoError
from werkzeug.routing import UnicodeConverter

from shared.runtime import jsonlog

from shared.store import mongo
from shared.web import ratelimit
from shared.web.auth import SECURITY_SCHEME, Tokens
from shared.web.body import check_request_body
from shared.runtime.config import Settings
from shared.web.errors import PlatformApi, register_error_answers
from shared.web.health import blueprint as health_blueprint
from shared.web.spec import EdgeAnswers

SWAGGER_DIST = flask_swagger_ui.__path__[0] + "/dist"
# Every path parameter of the platform's APIs is an id; another segment names nothing (404, or 422 naming it)
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"
ANY_OBJECT_OR_NULL = {"type": "object", "nullable": True}
log = logging.getLogger(__name__)


def create_service_app(settings: Settings, title: str, description: str,
                       db: Database | None = None) -> tuple[Flask, PlatformApi]:
    """Return (app, api). `db` is the service's database; tests pass their own."""
    jsonlog.configure(settings.log_level)
    app = Flask(settings.service)
    app.config.update(
        SETTINGS=settings,
        API_TITLE=title,
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="/docs",
        OPENAPI_SWAGGER_UI_URL="/docs/assets/",
        API_SPEC_OPTIONS={"info": {"description": description},
                          "components": {"securitySchemes": {"bearerAuth": SECURITY_SCHEME}}},
        JSON_SORT_KEYS=False,
        MAX_CONTENT_LENGTH=settings.http_max_body_bytes,
    )
    app.extensions["tokens"] = Tokens(settings)  # refuses HS256 in production
    app.extensions["db"] = db if db is not None else mongo.database(settings)
    if settings.http_rate_limit > 0:
        app.extensions[ratelimit.EXTENSION] = ratelimit.TokenBuckets(settings.http_rate_limit, settings.http_rate_burst)
    api = PlatformApi(app, spec_kwargs={"extra_plugins": [EdgeAnswers()]})
    api.register_converter(UnicodeConverter, lambda _converter: {"type": "string", "pattern": ID_PATTERN})
    api.ma_plugin.converter.add_attribute_function(null_or_the_nested_schema)
    register_error_answers(app, api)
    app.before_request(check_request_body)
    app.register_blueprint(health_blueprint())

    @app.get("/docs/assets/<path:filename>")
    def swagger_assets(filename: str) -> Response:
        return send_from_directory(SWAGGER_DIST, filename)

    @app.get("/metrics")
    def metrics() -> tuple[bytes, int, dict[str, str]]:
        return generate_latest(), 200, {"Content-Type": CONTENT_TYPE_LATEST}

    return app, api


def null_or_the_nested_schema(_converter: object, _field: object, ret: dict) -> dict:
    """apispec documents a nullable nested schema as `anyOf: [{type: object, nullable: true}, {$ref}]`, which
    admits any object at all; its first branch is meant to be null, so it says exactly that."""
    if "anyOf" not in ret:
        return {}
    return {"anyOf": [{**branch, "enum": [None]} if branch == ANY_OBJECT_OR_NULL else branch for branch in ret["anyOf"]]}


def service_db(app: Flask) -> Database:
    return app.extensions["db"]


def on_first_request(app: Flask, *steps: Callable[[], None]) -> None:
    """Run `steps` (e.g. ensuring indexes) before the first request, and again until they succeed.

    Nothing connects while the app is built; a store that is not up yet only
    delays the steps to a later request.
    """
    done = threading.Event()

    @app.before_request
    def run_first_request_steps() -> None:
        if done.is_set():
            return
        try:
            for step in steps:
                step()
            done.set()
        except PyMongoError as error:
            log.warning("first-request steps not done yet", extra={"error": type(error).__name__})
