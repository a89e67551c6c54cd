"""docker-compose.yml cannot run here (no Docker engine), so its consistency with the code is checked."""
import re
from pathlib import Path

import pytest
import yaml

from deploy.processes import process_specs
from shared.runtime.config import HTTP_PORTS

ROOT = Path(__file__).resolve().parents[3]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
PROCESSES = process_specs(HTTP_PORTS)
PER_PROCESS = {"METRICS_PORT", "GOALS_PORT", "REMINDERS_PORT", "REPORTS_PORT"}
ENV_READ = re.compile(r"""(?:\b_?env|environ\.get|getenv)\(\s*["']([A-Z][A-Z0-9_]+)["']|environ\[\s*["']([A-Z][A-Z0-9_]+)["']\]""")


def variables_read_by_the_code() -> set[str]:
    sources = [*ROOT.glob("shared/**/*.py"), *ROOT.glob("services/**/*.py"), ROOT / "deploy" / "gunicorn.conf.py"]
    return {name for path in sources for match in ENV_READ.finditer(path.read_text()) for name in match.groups() if name}


def test_compose_runs_the_official_kafka_and_mongodb_images():
    assert SERVICES["kafka"]["image"].startswith("apache/kafka:4")
    assert SERVICES["mongo"]["image"].startswith("mongo:")
    assert "healthcheck" in SERVICES["kafka"] and "healthcheck" in SERVICES["mongo"]


@pytest.mark.parametrize("spec", PROCESSES, ids=lambda spec: spec.name)
def test_every_process_of_the_platform_is_a_compose_service_with_the_same_command(spec):
    service = SERVICES[spec.name]
    command = service["command"]
    if "gunicorn" in spec.argv:
        assert command[0] == "gunicorn" and command[-1] == spec.argv[-1]
    else:
        assert command == ["python", *spec.argv[1:]]
    assert service["build"]["dockerfile"] == "deploy/Dockerfile"


@pytest.mark.parametrize("service_name,port", [(f"{name}-api", port) for name, port in HTTP_PORTS.items()])
def test_every_api_publishes_its_port_and_has_a_readiness_healthcheck(service_name, port):
    service = SERVICES[service_name]
    assert f"{port}:{port}" in service["ports"]
    assert f"0.0.0.0:{port}" in service["command"]
    assert "/readyz" in " ".join(service["healthcheck"]["test"])
    assert service["environment"][f"{service_name.split('-')[0].upper()}_PORT"] == str(port)


def test_every_variable_the_code_reads_is_set_for_every_service_process():
    needed = variables_read_by_the_code() - PER_PROCESS
    assert {"KAFKA_BOOTSTRAP_SERVERS", "MONGODB_URI", "JWT_SECRET"} <= needed
    for spec in PROCESSES:
        missing = needed - set(SERVICES[spec.name]["environment"])
        assert not missing, f"{spec.name} lacks {sorted(missing)}"


def test_every_worker_process_gets_its_metrics_port():
    for spec in PROCESSES:
        if "gunicorn" not in spec.argv:
            assert SERVICES[spec.name]["environment"]["METRICS_PORT"] == dict(spec.env)["METRICS_PORT"]


def test_services_wait_for_healthy_kafka_and_mongodb():
    for spec in PROCESSES:
        depends = SERVICES[spec.name]["depends_on"]
        assert depends["kafka"]["condition"] == depends["mongo"]["condition"] == "service_healthy"


def test_every_process_is_restarted_unless_stopped():
    for spec in PROCESSES:
        assert SERVICES[spec.name]["restart"] == "unless-stopped"
