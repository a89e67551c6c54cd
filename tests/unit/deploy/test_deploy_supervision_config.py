"""supervisord's configuration is generated from the one process list (deploy/processes.py)."""
import configparser
import runpy
from pathlib import Path

from deploy import supervision
from deploy.processes import ROOT, process_specs
from shared.runtime.config import HTTP_PORTS

GUNICORN_GRACEFUL_TIMEOUT = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))["graceful_timeout"]


def parsed(tmp_path: Path) -> configparser.ConfigParser:
    config = configparser.ConfigParser(interpolation=None)
    config.read_string(supervision.Supervision(tmp_path, process_specs(HTTP_PORTS), {}, ROOT).config())
    return config


def test_every_process_is_a_program_restarted_when_it_dies_and_stopped_with_sigterm(tmp_path):
    config = parsed(tmp_path)
    specs = process_specs(HTTP_PORTS)
    assert [s.removeprefix("program:") for s in config.sections() if s.startswith("program:")] == [s.name for s in specs]
    for priority, spec in enumerate(specs, start=1):
        program = config[f"program:{spec.name}"]
        assert program["autorestart"] == "true" and program["stopsignal"] == "TERM"
        assert program["stopasgroup"] == program["killasgroup"] == "true"  # gunicorn's workers too
        assert int(program["stopwaitsecs"]) > GUNICORN_GRACEFUL_TIMEOUT
        assert int(program["priority"]) == priority  # started in the list's order, stopped in reverse
        assert program["stdout_logfile"] == str(tmp_path / f"{spec.name}.log")


def test_supervisord_listens_on_a_private_unix_socket_in_the_run_directory(tmp_path):
    config = parsed(tmp_path)
    assert config["unix_http_server"]["file"] == str(tmp_path / "supervisor.sock")
    assert config["unix_http_server"]["chmod"] == "0700"
    assert "inet_http_server" not in config


def test_status_shows_state_uptime_and_restarts():
    table = supervision.format_table([supervision.ProcessState("goals-relay", "RUNNING", 4242, 3725, 2),
                                      supervision.ProcessState("reports-consumer", "BACKOFF", 0, 0, 5)])
    assert table.splitlines() == ["PROCESS           STATE    PID   UPTIME   RESTARTS",
                                  "goals-relay       RUNNING  4242  1:02:05  2",
                                  "reports-consumer  BACKOFF  -     -        5"]
