"""Run a list of processes under supervisord (the `supervisor` package): restarted when they die.

One supervisord per run directory, reached on the unix socket `supervisor.sock` there;
its own log is `supervisord.log`, each process logs to `<name>.log` next to it.
supervisord restarts a process that exits, at once; one that dies again within
START_SECONDS of its start is retried after 1 s, 2 s, 3 s... and given up (FATAL)
after START_RETRIES such attempts. Stopping sends SIGTERM to the process group and
waits STOP_WAIT_SECONDS (gunicorn's graceful timeout, a worker finishing its batch)
before SIGKILL. The restart count is read from supervisord's log: the spawns of a
process since supervisord started, less the first.
"""
from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
import xmlrpc.client
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from supervisor.xmlrpc import SupervisorTransport

START_SECONDS = 3
START_RETRIES = 10
STOP_WAIT_SECONDS = 30
STARTED_MARK = "supervisord started with pid"
FAILED_STATES = {"BACKOFF", "FATAL", "EXITED"}


@dataclass(frozen=True)
class ProcessSpec:
    name: str
    argv: tuple[str, ...]
    env: tuple[tuple[str, str], ...] = ()  # set for this process, over the environment supervisord was given


@dataclass(frozen=True)
class ProcessState:
    name: str
    state: str  # supervisord's: STARTING, RUNNING, BACKOFF, STOPPING, STOPPED, EXITED, FATAL
    pid: int
    uptime_seconds: int
    restarts: int

    @property
    def failed(self) -> bool:
        """Exited, or crash-looping (BACKOFF, FATAL): a process supervisord could not keep running."""
        return self.state in FAILED_STATES


class Supervision:
    def __init__(self, run_dir: Path, specs: Iterable[ProcessSpec], env: dict[str, str], cwd: Path):
        self.run_dir, self.specs, self.env, self.cwd = Path(run_dir), list(specs), env, cwd
        self.socket = self.run_dir / "supervisor.sock"
        self.config_file = self.run_dir / "supervisord.conf"
        self.pid_file = self.run_dir / "supervisord.pid"
        self.log_file = self.run_dir / "supervisord.log"

    def config(self) -> str:
        """supervisord's configuration for the processes, in their order (stopped in reverse)."""
        sections = [
            ("unix_http_server", {"file": self.socket, "chmod": "0700"}),
            ("supervisord", {"logfile": self.log_file, "pidfile": self.pid_file, "childlogdir": self.run_dir,
                             "directory": self.cwd, "logfile_maxbytes": "10MB"}),
            ("rpcinterface:supervisor", {"supervisor.rpcinterface_factory":
                                         "supervisor.rpcinterface:make_main_rpcinterface"}),
            ("supervisorctl", {"serverurl": f"unix://{self.socket}"}),
        ]
        for priority, spec in enumerate(self.specs, start=1):
            sections.append((f"program:{spec.name}", {
                "command": shlex.join(spec.argv), "directory": self.cwd, "priority": priority,
                "autostart": "true", "autorestart": "true", "startsecs": START_SECONDS,
                "startretries": START_RETRIES, "stopsignal": "TERM", "stopwaitsecs": STOP_WAIT_SECONDS,
                "stopasgroup": "true", "killasgroup": "true", "redirect_stderr": "true",
                "stdout_logfile": self.log_of(spec.name), "stdout_logfile_maxbytes": "50MB",
                "stdout_logfile_backups": 2,
                "environment": ",".join(f'{key}="{value}"' for key, value in spec.env)}))
        return "\n".join(f"[{title}]\n" + "".join(f"{key}={_escape(value)}\n" for key, value in options.items()
                                                   if value != "")
                         for title, options in sections)

    def log_of(self, name: str) -> Path:
        return self.run_dir / f"{name}.log"

    def start(self, timeout: float = 30) -> None:
        """Start supervisord, which starts every process; if it already runs, start those that are stopped."""
        if self.running():
            self._rpc().startAllProcesses(False)
            return
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.config_file.write_text(self.config())
        subprocess.run([sys.executable, "-m", "supervisor.supervisord", "-c", str(self.config_file)],
                       cwd=self.cwd, env=self.env, stdin=subprocess.DEVNULL, check=True)
        deadline = time.monotonic() + timeout
        while not self.running():
            if time.monotonic() > deadline:
                raise RuntimeError(f"supervisord did not answer on {self.socket}\n{self.tail('supervisord')}")
            time.sleep(0.1)

    def running(self) -> bool:
        try:
            return self._rpc().getState()["statename"] == "RUNNING"
        except (OSError, xmlrpc.client.Error):
            return False

    def processes(self) -> list[ProcessState]:
        spawns = self._spawns()
        return [ProcessState(info["name"], info["statename"], info["pid"],
                             info["now"] - info["start"] if info["statename"] == "RUNNING" else 0,
                             max(spawns.get(info["name"], 0) - 1, 0))
                for info in self._rpc().getAllProcessInfo()]

    def stop(self) -> None:
        """Stop every process (SIGTERM, in reverse order, up to STOP_WAIT_SECONDS each), then supervisord."""
        if not self.running():
            return
        pid = int(self.pid_file.read_text())
        self._rpc().shutdown()
        deadline = time.monotonic() + STOP_WAIT_SECONDS * len(self.specs) + 10
        while _alive(pid):
            if time.monotonic() > deadline:
                raise RuntimeError(f"supervisord (pid {pid}) still running; see {self.log_file}")
            time.sleep(0.1)

    def tail(self, name: str, chars: int = 3000) -> str:
        path = self.log_file if name == "supervisord" else self.log_of(name)
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""

    def _spawns(self) -> dict[str, int]:
        log = self.log_file.read_text(errors="replace") if self.log_file.exists() else ""
        counts: dict[str, int] = {}
        for line in log[max(log.rfind(STARTED_MARK), 0):].splitlines():
            if " spawned: '" in line:
                name = line.split(" spawned: '", 1)[1].split("'", 1)[0]
                counts[name] = counts.get(name, 0) + 1
        return counts

    def _rpc(self):
        transport = SupervisorTransport(None, None, f"unix://{self.socket}")
        return xmlrpc.client.ServerProxy("http://127.0.0.1", transport=transport).supervisor


def _escape(value: object) -> str:
    return str(value).replace("%", "%%")  # supervisord expands %(name)s in its configuration


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def format_table(processes: list[ProcessState]) -> str:
    """The processes as `make status` prints them."""
    rows = [("PROCESS", "STATE", "PID", "UPTIME", "RESTARTS")]
    rows += [(p.name, p.state, str(p.pid or "-"), _duration(p.uptime_seconds) if p.state == "RUNNING" else "-",
              str(p.restarts)) for p in processes]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows)


def _duration(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
