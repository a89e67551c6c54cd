"""The goals API under gunicorn (deploy/gunicorn.conf.py, as every API runs): what only a real server shows.

Chunked bodies without Content-Length, header lines over gunicorn's limit, request lines it
refuses: each answers JSON in the one error shape, never gunicorn's HTML page.
"""
import http.client
import json
import os
import socket
import subprocess
import sys
import urllib.request
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest

from shared.runtime.config import Settings
from shared.store import mongo
from shared.web.auth import mint_token
from tests.support import free_port, wait_until

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
SECRET = "gunicorn-test-secret-" + "x" * 32
MIB = 1024 * 1024


@pytest.fixture(scope="module")
def goals_port(base_env):
    port, prefix = free_port(), f"t{uuid.uuid4().hex[:10]}"
    env = {**os.environ, "MONGODB_DB_PREFIX": prefix, "JWT_SECRET": SECRET, "WEB_CONCURRENCY": "1"}
    env.pop("BIND_HOST", None)
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "--bind",
                               f"127.0.0.1:{port}", "services.goals.app:create_app()"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: answers(port), timeout=30, message="gunicorn to answer")
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)
        mongo.connect(Settings(service="goals", mongodb_db_prefix=prefix)).drop_database(f"{prefix}_goals")


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
            return True
    except OSError:
        return False


def exchange(port: int, head: bytes, body_chunks=()) -> http.client.HTTPResponse:
    """Send raw bytes (a request head, then its body's chunks) and read the answer."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    try:
        sock.sendall(head)
        for chunk in body_chunks:
            sock.sendall(chunk)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server answered before the whole body was sent
    response = http.client.HTTPResponse(sock)
    response.begin()
    response.body = response.read()
    sock.close()
    return response


def chunked(data: bytes, size: int = 64 * 1024):
    for start in range(0, len(data), size):
        piece = data[start:start + size]
        yield b"%x\r\n%s\r\n" % (len(piece), piece)
    yield b"0\r\n\r\n"


def post_head(path: str, token: str, **headers) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", f"Authorization: Bearer {token}",
             "Content-Type: application/json", *(f"{name.replace('_', '-')}: {v}" for name, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def token(**extra) -> str:
    return mint_token(SECRET, sub="dr-lee", clinic_id=f"clinic-{uuid.uuid4().hex[:8]}", role="clinician", **extra)


def assert_json(response, status: int):
    assert response.status == status, response.body[:300]
    assert response.getheader("Content-Type").startswith("application/json")
    assert json.loads(response.body)["code"] == status


def test_a_chunked_body_of_10_mib_answers_413_json(goals_port):
    body = json.dumps({"client_id": "client-1", "title": "x" * (10 * MIB)}).encode()

    assert_json(exchange(goals_port, post_head("/v1/goals", token(), Transfer_Encoding="chunked"), chunked(body)), 413)


def test_a_small_chunked_body_is_taken_whole(goals_port):
    later = (date.today() + timedelta(days=90)).isoformat()  # the server's clock decides "not in the past"
    body = json.dumps({"client_id": "client-1", "title": "Chunked", "category": "anxiety", "target_date": later})
    response = exchange(goals_port, post_head("/v1/goals", token(), Transfer_Encoding="chunked"),
                        chunked(body.encode(), 16))

    assert response.status == 201, response.body


def test_a_body_over_the_limit_with_content_length_answers_413_json(goals_port):
    body = b'{"title": "' + b"x" * (2 * MIB) + b'"}'
    head = post_head("/v1/goals", token(), Content_Length=str(len(body)))

    assert_json(exchange(goals_port, head, [body]), 413)


def test_a_token_over_8_kib_reaches_the_app_and_answers_401_json(goals_port):
    big = token() + "x" * 9000
    head = f"GET /v1/goals HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {big}\r\n\r\n".encode()

    assert_json(exchange(goals_port, head), 401)


def test_a_header_line_over_gunicorns_limit_answers_431_json(goals_port):
    head = f"GET /v1/goals HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {'x' * 20_000}\r\n\r\n".encode()

    assert_json(exchange(goals_port, head), 431)


def test_a_request_line_over_gunicorns_limit_answers_414_json(goals_port):
    assert_json(exchange(goals_port, f"GET /v1/goals?client_id={'x' * 5000} HTTP/1.1\r\nHost: x\r\n\r\n".encode()), 414)


def test_a_malformed_request_answers_400_json(goals_port):
    assert_json(exchange(goals_port, b"GET /v1/goals HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n"), 400)
