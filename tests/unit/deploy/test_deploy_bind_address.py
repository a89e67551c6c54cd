"""In development every process listens on loopback; containers say BIND_HOST=0.0.0.0 (docker-compose.yml)."""
from deploy.processes import process_specs
from shared.runtime import metrics
from shared.runtime.config import HTTP_PORTS
from tests.support import free_port


def api_binds(monkeypatch, value=None):
    if value is None:
        monkeypatch.delenv("BIND_HOST", raising=False)
    else:
        monkeypatch.setenv("BIND_HOST", value)
    return [spec.argv[spec.argv.index("--bind") + 1] for spec in process_specs(HTTP_PORTS) if "--bind" in spec.argv]


def test_the_apis_bind_loopback_unless_told_otherwise(monkeypatch):
    assert api_binds(monkeypatch) == [f"127.0.0.1:{port}" for port in HTTP_PORTS.values()]
    assert api_binds(monkeypatch, "0.0.0.0") == [f"0.0.0.0:{port}" for port in HTTP_PORTS.values()]


def test_a_workers_metrics_listen_on_loopback_by_default(monkeypatch):
    monkeypatch.delenv("BIND_HOST", raising=False)
    server = metrics.serve(free_port())
    try:
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.shutdown()
        server.server_close()
