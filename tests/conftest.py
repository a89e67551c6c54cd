"""Shared fixtures. Unit tests need none of these; integration and e2e tests use real servers.

Every query the product code sends during the session, in this process and in the
services the tests start as processes (they inherit MONGODB_QUERY_SHAPES_DIR), is
recorded by shape (shared.store.queryshapes); the session fails if one of them is not
declared with an index that serves it (tests/index_check.py, services/<service>/indexes.py).
"""
from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from functools import reduce
from operator import add

import pytest

from shared.runtime.config import HTTP_PORTS, Settings
from shared.store import queryshapes
from tests import index_check, infra
from tests.identity_provider import IdentityProvider

QUERY_SHAPES = os.environ[queryshapes.ENV] = tempfile.mkdtemp(prefix="query-shapes-")
queryshapes.install(QUERY_SHAPES)


def pytest_sessionfinish(session, exitstatus):
    """Fail the session when the code sent a query no declared index serves."""
    try:
        problems = index_check.undeclared(index_check.read(QUERY_SHAPES), reduce(add, index_check.registry().values()))
    finally:
        shutil.rmtree(QUERY_SHAPES, ignore_errors=True)
    if problems:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_sep("=", "queries without a declared index (declare them: shared/store/indexes.py)", red=True)
            for line in problems:
                reporter.write_line(line)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def servers():
    with infra.servers() as found:
        yield found


@pytest.fixture(scope="session")
def base_env(servers, monkeypatch_session):
    for key in ("KAFKA_BOOTSTRAP_SERVERS", "MONGODB_URI"):
        monkeypatch_session.setenv(key, servers[key])
    return servers


@pytest.fixture(scope="session")
def monkeypatch_session():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.fixture
def unique():
    """A short unique suffix so tests never share databases, topics or groups."""
    return uuid.uuid4().hex[:10]


@pytest.fixture
def settings_for(base_env, unique):
    """Settings of a service whose database, topics and consumer groups are private to this test."""
    def make(service: str, **overrides) -> Settings:
        return Settings(service=service, mongodb_db_prefix=f"t{unique}", topic_prefix=f"t{unique}-", **overrides)
    return make


@pytest.fixture
def identity_provider():
    """An OIDC identity provider of the test's own, over HTTP on a free port (tests/identity_provider.py)."""
    provider = IdentityProvider()
    yield provider
    provider.close()


E2E_JWT_SECRET = "e2e-secret-of-at-least-thirty-two-bytes"


def _free_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def running_platform(base_env, tmp_path_factory):
    """The whole platform as separate processes (gunicorn APIs and workers) on private topics and databases.

    Yields a deploy.processes.Platform (`.url("goals")`); its processes run under supervisord.
    Tests isolate themselves by using their own clinic id (see the `token` fixture).
    """
    import os
    from pathlib import Path

    from deploy.processes import Platform

    run_id = uuid.uuid4().hex[:8]
    ports = {service: _free_port() for service in HTTP_PORTS}
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": base_env["KAFKA_BOOTSTRAP_SERVERS"],
           "MONGODB_URI": base_env["MONGODB_URI"], "MONGODB_DB_PREFIX": f"e2e{run_id}",
           "KAFKA_TOPIC_PREFIX": f"e2e{run_id}-", "JWT_SECRET": E2E_JWT_SECRET, "WEB_CONCURRENCY": "2",
           "REMINDERS_DISPATCH_INTERVAL_SECONDS": "1"}
    platform = Platform(Path(tmp_path_factory.mktemp("platform")), env, ports, metrics=False)
    platform.start()
    try:
        platform.wait_ready(timeout=120)
        yield platform
    finally:
        platform.stop()


@pytest.fixture
def token():
    """token(role="clinician", clinic_id=..., sub=...) -> 'Bearer ...' for the e2e platform's secret."""
    from shared.web.auth import mint_token

    def make(role: str = "clinician", clinic_id: str | None = None, sub: str = "clinician-1") -> str:
        return "Bearer " + mint_token(E2E_JWT_SECRET, sub=sub, clinic_id=clinic_id or "clinic-e2e", role=role)
    return make
