"""The web edge every API shares (shared/web): body limits, bad text, tokens, rate limit, 405 and store outages.

A probe app built by create_service_app, as every service's is, with one body-taking
operation and one that reads the store; its store is an address nobody listens on,
so an outage is real and no test needs a server.
"""
import io
import json

import jwt
import pytest
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from pymongo import MongoClient

from shared.runtime.config import Settings
from shared.web.app import create_service_app, service_db
from shared.web.auth import STAFF, mint_token, requires
from shared.web.body import LARGEST_DEPTH, first_problem
from shared.web.queries import LARGEST_PAGE_SIZE, Page, query
from shared.web.ratelimit import TokenBuckets

SECRET = "edge-test-secret-" + "x" * 32
LIMIT = 64 * 1024
NOWHERE = "mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=200&connectTimeoutMS=200"


class Item(Schema):
    name = fields.String(required=True)


class Note(Schema):
    title = fields.String(required=True)
    items = fields.List(fields.Nested(Item), load_default=list)
    extra = fields.Raw(load_default=None)


def probe_app(**settings):
    app, api = create_service_app(Settings(service="probe", jwt_secret=SECRET, http_max_body_bytes=LIMIT, **settings),
                                  "Probe", "A probe of the shared web edge",
                                  db=MongoClient(NOWHERE, serverSelectionTimeoutMS=200)["probe"])
    blp = Blueprint("notes", __name__, url_prefix="/v1/notes")

    @blp.route("")
    class Notes(MethodView):
        @requires(*STAFF)
        @query(blp, Page)
        def get(self, page):
            """Read the store"""
            return {"items": list(service_db(app)["notes"].find({}, limit=page["page_size"]))}

        @requires(*STAFF)
        @blp.arguments(Note)
        def post(self, note):
            """Take a body"""
            return {"title": note["title"]}

    api.register_blueprint(blp)
    return app


@pytest.fixture
def client():
    return probe_app().test_client()


def bearer(sub="dr-lee", **claims):
    token = mint_token(SECRET, sub=sub, clinic_id="clinic-1", role="clinician")
    if claims:
        token = jwt.encode({**jwt.decode(token, SECRET, algorithms=["HS256"]), **claims}, SECRET, algorithm="HS256")
    return {"Authorization": f"Bearer {token}"}


def nested(depth: int) -> str:
    return '{"title": "t", "extra": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"


def assert_json_error(response, status, field=None):
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.is_json and response.json["code"] == status
    if field is not None:
        assert field in response.json["errors"], response.json


# --- body size -----------------------------------------------------------------------------------------


def test_a_body_over_the_limit_answers_413_json(client):
    assert_json_error(client.post("/v1/notes", data=b"x" * (LIMIT + 1), content_type="application/json",
                                  headers=bearer()), 413)


def test_a_chunked_body_over_the_limit_answers_413_not_a_cut_body(client):
    body = json.dumps({"title": "x" * (LIMIT * 3)}).encode()
    response = client.post("/v1/notes", input_stream=io.BytesIO(body), content_type="application/json",
                           headers=bearer())

    assert_json_error(response, 413)


def test_a_chunked_body_of_exactly_the_limit_is_taken(client):
    body = json.dumps({"title": ""}).encode()
    body = body[:-2] + b" " * (LIMIT - len(body)) + b'"}'  # {"title": "  ...  "} of LIMIT bytes
    response = client.post("/v1/notes", input_stream=io.BytesIO(body), content_type="application/json",
                           headers=bearer())

    assert response.status_code == 200 and len(body) == LIMIT


# --- JSON nesting and text -------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [LARGEST_DEPTH + 1, 1000, 20_000])
def test_a_body_nested_too_deep_answers_400_naming_the_body(client, depth):
    response = client.post("/v1/notes", data=nested(depth), content_type="application/json", headers=bearer())

    assert_json_error(response, 400, "body")
    assert response.json["error_code"] == "body-too-deep"


def test_a_body_nested_as_deep_as_allowed_is_taken(client):
    response = client.post("/v1/notes", data=nested(LARGEST_DEPTH), content_type="application/json", headers=bearer())

    assert response.status_code == 200, response.json


def test_a_deep_body_of_another_media_type_is_refused_too(client):
    response = client.post("/v1/notes", data=nested(5000), content_type="text/plain", headers=bearer())

    assert_json_error(response, 400, "body")


@pytest.mark.parametrize("body, field", [
    ('{"title": "x\\ud800y"}', "title"),
    ('{"title": "t", "items": [{"name": "ok"}, {"name": "\\udfff"}]}', "items[1].name"),
    ('{"title": "t", "extra": {"\\ud83d": 1}}', "extra"),
    ('["\\ud800"]', "[0]"),
])
def test_a_lone_surrogate_answers_422_naming_the_field(client, body, field):
    response = client.post("/v1/notes", data=body, content_type="application/json", headers=bearer())

    assert_json_error(response, 422, field)
    assert response.json["error_code"] == "invalid-text"


def test_text_outside_the_basic_plane_written_as_a_surrogate_pair_is_fine(client):
    response = client.post("/v1/notes", data='{"title": "\\ud83d\\ude00 ok"}', content_type="application/json",
                           headers=bearer())

    assert response.status_code == 200 and response.json == {"title": "\U0001F600 ok"}


def test_the_problems_of_a_document_are_found_in_document_order():
    assert first_problem({"a": "\ud800", "b": [["\udc00"]]})[1] == "a"
    assert first_problem({"a": [[]] * 3, "b": {"c": ["ok", "\ud800"]}})[1] == "b.c[1]"
    assert first_problem({"fine": ["text", 1, None, {"x": 2.5}]}) is None


# --- tokens ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("claims", [{"exp": "9999999999"}, {"exp": True}, {"nbf": "0"}, {"nbf": False},
                                    {"iat": "1700000000"}, {"iat": [1]}])
def test_a_token_whose_dates_are_not_numbers_answers_401_json(client, claims):
    response = client.post("/v1/notes", json={"title": "t"}, headers=bearer(**claims))

    assert_json_error(response, 401)
    assert "WWW-Authenticate" in response.headers


def test_a_token_with_numeric_dates_is_taken(client):
    assert client.post("/v1/notes", json={"title": "t"}, headers=bearer(nbf=1_000_000_000.5)).status_code == 200


# --- rate limit ------------------------------------------------------------------------------------------


class Ticks:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_a_bucket_lets_a_burst_through_then_the_rate():
    clock = Ticks()
    buckets = TokenBuckets(rate=10, burst=3, clock=clock)

    assert [buckets.take("a") for _ in range(3)] == [0, 0, 0]
    assert buckets.take("a") == pytest.approx(0.1)
    assert buckets.take("b") == 0
    clock.now += 0.1
    assert buckets.take("a") == 0 and buckets.take("a") > 0
    clock.now += 60
    assert [buckets.take("a") for _ in range(4)][:3] == [0, 0, 0]


def test_over_the_rate_a_token_gets_429_json_with_retry_after_and_others_are_not_slowed():
    client = probe_app(http_rate_limit=0.5, http_rate_burst=2).test_client()
    answers = [client.post("/v1/notes", json={"title": "t"}, headers=bearer()) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert_json_error(answers[2], 429)
    assert answers[2].headers["Retry-After"] == "2" and answers[2].json["error_code"] == "rate-limited"
    assert client.post("/v1/notes", json={"title": "t"}, headers=bearer(sub="dr-kim")).status_code == 200


def test_health_and_metrics_are_never_rate_limited():
    client = probe_app(http_rate_limit=0.001, http_rate_burst=1).test_client()

    for path in ["/healthz", "/metrics", "/openapi.json"] * 5:
        assert client.get(path, headers=bearer()).status_code == 200


def test_a_rate_of_zero_turns_the_limit_off():
    client = probe_app(http_rate_limit=0, http_rate_burst=1).test_client()

    assert {client.post("/v1/notes", json={"title": "t"}, headers=bearer()).status_code for _ in range(20)} == {200}


# --- methods, pages, store outages, documents ------------------------------------------------------------


def test_a_405_names_the_allowed_methods_in_allow_and_answers_json(client):
    response = client.delete("/v1/notes", headers=bearer())

    assert_json_error(response, 405)
    assert {"GET", "POST"} <= {m.strip() for m in response.headers["Allow"].split(",")}


def test_a_page_over_the_largest_answers_422_naming_page_size(client):
    response = client.get(f"/v1/notes?page_size={LARGEST_PAGE_SIZE + 1}", headers=bearer())

    assert_json_error(response, 422, "page_size")


def test_an_unreachable_store_answers_503_json_with_retry_after(client):
    response = client.get("/v1/notes", headers=bearer())

    assert_json_error(response, 503)
    assert response.json["error_code"] == "store-unavailable" and int(response.headers["Retry-After"]) > 0


def test_the_openapi_document_states_the_limits_answers(client):
    paths = client.get("/openapi.json").json["paths"]["/v1/notes"]

    assert {"413", "429", "503"} <= set(paths["post"]["responses"])
    assert {"429", "503"} <= set(paths["get"]["responses"]) and "413" not in paths["get"]["responses"]
    assert "Retry-After" in paths["get"]["responses"]["429"]["headers"]
