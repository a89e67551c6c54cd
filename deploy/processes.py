#!/usr/bin/env python3
"""Start and stop the platform's processes (the three APIs under gunicorn and their workers).

    python deploy/processes.py up      # start everything in the background, wait for /readyz
    python deploy/processes.py down    # stop everything `up` started
    python deploy/processes.py status

Run it with the project's virtualenv. The environment (KAFKA_BOOTSTRAP_SERVERS,
MONGODB_URI, JWT_SECRET, *_PORT...) is passed to every process. Pid files and
logs live in .infra/<profile>/run/. The end-to-end tests and the fault suite
(tools/chaos) use the same class. Every process listens on 127.0.0.1 unless
BIND_HOST says otherwise.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from shared.runtime.config import HTTP_PORTS, METRICS_PORTS, bind_host  # noqa: E402  (every port is defined there)


@dataclass(frozen=True)
class ProcessSpec:
    name: str
    argv: tuple[str, ...]
    env: tuple[tuple[str, str], ...] = ()


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
    ]


def ports_from_env(env=os.environ) -> dict[str, int]:
    return {service: int(env.get(f"{service.upper()}_PORT", port)) for service, port in HTTP_PORTS.items()}


class Platform:
    def __init__(self, run_dir: Path, env: dict[str, str], ports: dict[str, int], metrics: bool = True):
        self.run_dir, self.env, self.ports = Path(run_dir), env, ports
        self.specs = process_specs(ports, metrics)

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def start(self, names: list[str] | None = None) -> None:
        """Start the processes (all, or the named ones) that are not running."""
        self.run_dir.mkdir(parents=True, exist_ok=True)
        for spec in self.specs:
            if self._alive(spec.name) or (names is not None and spec.name not in names):
                continue
            log = open(self.run_dir / f"{spec.name}.log", "ab")
            proc = subprocess.Popen(spec.argv, cwd=ROOT, env={**self.env, **dict(spec.env)}, stdout=log,
                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
            (self.run_dir / f"{spec.name}.pid").write_text(str(proc.pid))

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        pending = set(self.ports)
        while pending and time.monotonic() < deadline:
            pending = {s for s in pending if not ready(self.url(s))}
            dead = [spec.name for spec in self.specs if not self._alive(spec.name)]
            if dead:
                raise RuntimeError(f"processes exited: {dead}; see {self.run_dir}/<name>.log\n" + self.tail(dead[0]))
            time.sleep(0.3)
        if pending:
            raise RuntimeError(f"not ready after {timeout:.0f}s: {sorted(pending)}")

    def stop(self, timeout: float = 30) -> None:
        for spec in reversed(self.specs):
            self.stop_process(spec.name, timeout)

    def stop_process(self, name: str, timeout: float = 30) -> None:
        pid = self._pid(name)
        if pid is None:
            return
        _signal_group(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while self._alive(name) and time.monotonic() < deadline:
            time.sleep(0.1)
        if self._alive(name):
            _signal_group(pid, signal.SIGKILL)
        (self.run_dir / f"{name}.pid").unlink(missing_ok=True)

    def kill(self, name: str) -> None:
        """kill -9 the process and its children, as a crash would (the fault suite, tools/chaos); start() restarts it."""
        pid = self._pid(name)
        if pid is not None:
            _signal_group(pid, signal.SIGKILL)
        while self._alive(name):
            time.sleep(0.05)

    def tail(self, name: str, chars: int = 3000) -> str:
        path = self.run_dir / f"{name}.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""

    def status(self) -> dict[str, bool]:
        return {spec.name: self._alive(spec.name) for spec in self.specs}

    def _pid(self, name: str) -> int | None:
        path = self.run_dir / f"{name}.pid"
        return int(path.read_text()) if path.exists() else None

    def _alive(self, name: str) -> bool:
        pid = self._pid(name)
        if pid is None:
            return False
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return not _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass


def ready(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/readyz", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["up", "down", "status"])
    parser.add_argument("--profile", default="dev")
    args = parser.parse_args(argv)
    platform = Platform(ROOT / ".infra" / args.profile / "run", dict(os.environ), ports_from_env())
    if args.command == "up":
        platform.start()
        platform.wait_ready()
        for service in platform.ports:
            print(f"{service:10s} {platform.url(service)}  (docs: {platform.url(service)}/docs)")
    elif args.command == "down":
        platform.stop()
    else:
        print(json.dumps(platform.status(), indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
