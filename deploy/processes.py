#!/usr/bin/env python3
"""The platform's processes (the four APIs under gunicorn and their workers): the one list, and its runner.

    python deploy/processes.py up      # start everything under supervisord, wait for /readyz
    python deploy/processes.py down    # stop everything (SIGTERM, then the stop wait), and supervisord
    python deploy/processes.py status  # each process: state, pid, uptime, restarts

Run it with the project's virtualenv. The environment (KAFKA_BOOTSTRAP_SERVERS,
MONGODB_URI, JWT_SECRET, *_PORT...) is passed to every process. supervisord
(deploy/supervision.py) restarts a process that dies; its socket, its
configuration and every process's log live in .infra/<profile>/run/. The
end-to-end tests, the growth benchmark and the fault suite (tools/chaos) use the
same class. Every process
listens on 127.0.0.1 unless BIND_HOST says otherwise.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from deploy.supervision import ProcessSpec, Supervision, format_table  # noqa: E402
from shared.runtime.config import HTTP_PORTS, METRICS_PORTS, bind_host  # noqa: E402  (every port is defined there)
from shared.web.outbound import LOOPBACK  # noqa: E402


def api(service: str, port: int) -> ProcessSpec:
    return ProcessSpec(f"{service}-api", (sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py",
                                          "--bind", f"{bind_host()}:{port}", f"services.{service}.app:create_app()"))


def worker(name: str, module: str, metrics_port: int, *args: str) -> ProcessSpec:
    return ProcessSpec(name, (sys.executable, "-m", module, *args), (("METRICS_PORT", str(metrics_port)),))


def process_specs(ports: dict[str, int], metrics: bool = True) -> list[ProcessSpec]:
    def m(port: int) -> int:
        return port if metrics else 0
    return [
        api("goals", ports["goals"]),
        worker("goals-relay", "services.goals.worker", m(METRICS_PORTS["goals-relay"])),
        api("reminders", ports["reminders"]),
        worker("reminders-consumer", "services.reminders.worker", m(METRICS_PORTS["reminders-consumer"])),
        worker("reminders-dispatcher", "services.reminders.worker", m(METRICS_PORTS["reminders-dispatcher"]),
               "dispatcher"),
        api("reports", ports["reports"]),
        worker("reports-consumer", "services.reports.worker", m(METRICS_PORTS["reports-consumer"])),
        api("partners", ports["partners"]),
        worker("partners-router", "services.partners.worker", m(METRICS_PORTS["partners-router"])),
        worker("partners-deliverer", "services.partners.worker", m(METRICS_PORTS["partners-deliverer"]), "deliverer"),
    ]


def ports_from_env(env=os.environ) -> dict[str, int]:
    return {service: int(env.get(f"{service.upper()}_PORT", port)) for service, port in HTTP_PORTS.items()}


class Platform:
    """The platform's processes under supervisord (deploy/supervision.py), and their readiness."""

    def __init__(self, run_dir: Path, env: dict[str, str], ports: dict[str, int], metrics: bool = True):
        self.env, self.ports = env, ports
        self.supervision = Supervision(run_dir, process_specs(ports, metrics), env, ROOT)

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def start(self) -> None:
        self.supervision.start()

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        pending = set(self.ports)
        while pending and time.monotonic() < deadline:
            pending = {s for s in pending if not ready(self.url(s))}
            failed = [p.name for p in self.supervision.processes() if p.failed]
            if failed:
                raise RuntimeError(f"processes exited: {failed}; see {self.supervision.log_of(failed[0])}\n"
                                   + self.supervision.tail(failed[0]))
            time.sleep(0.3)
        if pending:
            raise RuntimeError(f"not ready after {timeout:.0f}s: {sorted(pending)}")

    def stop(self) -> None:
        self.supervision.stop()

    def kill(self, name: str) -> int:
        """kill -9 the process and its children, as a crash would (the fault suite); supervisord starts it
        again. The pid it had."""
        [pid] = [process.pid for process in self.supervision.processes() if process.name == name]
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        return pid

    def restarted(self, name: str, old_pid: int) -> bool:
        """Whether supervisord runs the process again, as a new process."""
        return any(p.name == name and p.state == "RUNNING" and p.pid != old_pid for p in self.supervision.processes())


def ready(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/readyz", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


ALLOWED_NETWORKS = ("PARTNERS_ALLOWED_NETWORKS", "REMINDERS_ALLOWED_NETWORKS")


def profile_env(profile: str, env=os.environ) -> dict[str, str]:
    """The processes' environment: the caller's; the development profile also lets partner and reminder webhooks
    reach loopback (the *_ALLOWED_NETWORKS not set), so a receiver on this machine can be tried."""
    if profile != "dev":
        return dict(env)
    return {**env, **{name: LOOPBACK for name in ALLOWED_NETWORKS if not env.get(name)}}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["up", "down", "status"])
    parser.add_argument("--profile", default="dev")
    args = parser.parse_args(argv)
    platform = Platform(ROOT / ".infra" / args.profile / "run", profile_env(args.profile), ports_from_env())
    if args.command == "up":
        platform.start()
        platform.wait_ready()
        for service in platform.ports:
            print(f"{service:10s} {platform.url(service)}  (docs: {platform.url(service)}/docs)")
    elif args.command == "down":
        platform.stop()
    elif platform.supervision.running():
        print(format_table(platform.supervision.processes()))
    else:
        raise SystemExit(f"supervisord is not running (no answer on {platform.supervision.socket}); make up starts it")


if __name__ == "__main__":
    main(sys.argv[1:])
