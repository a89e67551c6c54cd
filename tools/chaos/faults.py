"""The faults and the servers they hit: the platform's processes, the Kafka broker and the document store.

`Chaos` starts the servers of the "chaos" profile (deploy/infra.py: a private
broker on 26092 and a durable document store on 26117, so a store killed with
-9 comes back with its acknowledged writes) and the platform as separate
processes (deploy.processes.Platform: free ports, a database and topic prefix
of its own). A `Fault` breaks one thing and repairs it: `kill -9` of one
process (supervisord, which runs the platform's processes, starts it again:
the suite only waits for that, so it also proves the restart),
a broker stopped and started again (`node`: which Kafka node, numbered from 1;
the chaos profile runs one), or the store killed with -9 and started again.
"""
from __future__ import annotations

import os
import shutil
import signal
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from bench.goals_reached import free_port
from deploy import infra as launcher
from deploy.processes import Platform, ready
from shared.runtime.config import HTTP_PORTS

PROFILES = {1: launcher.PROFILES["chaos"], 3: launcher.PROFILES["chaos-cluster"]}  # by number of Kafka brokers
SECRET = "chaos-suite-secret-" + "c" * 32
PAUSE_S = 2.0           # how long a stopped broker or a killed store stays down before it is started again
READY_TIMEOUT_S = 120
API_OF = {"goals-api": "goals", "reminders-api": "reminders", "reports-api": "reports"}


@dataclass(frozen=True)
class Fault:
    name: str
    kind: str              # "process", "broker" or "store"
    target: str = ""       # the process's name (a "process" fault)
    node: int = 1          # which Kafka node (a "broker" fault; numbered from 1 as deploy/infra.py numbers them)

    @property
    def api(self) -> str | None:
        """The API whose answers the fault interrupts (None: commands should not notice)."""
        return API_OF.get(self.target)


PROCESSES = ("goals-api", "goals-relay", "reminders-api", "reminders-consumer", "reminders-dispatcher",
             "reports-api", "reports-consumer", "partners-api", "partners-router", "partners-deliverer")
ALL = tuple(Fault(f"kill -9 {name}", "process", name) for name in PROCESSES) + (
    Fault("stop broker 1", "broker", node=1), Fault("kill -9 store", "store"))
# `make test`'s share: a crashed API worker (with POSTs in flight), relay and consumer
SUBSET = tuple(f for f in ALL if f.target in ("goals-api", "goals-relay", "reports-consumer"))


def by_names(names: str, brokers: int = 1) -> tuple[Fault, ...]:
    """The faults named in a comma-separated list: "all", "subset", or process names, "broker" (node 1) or
    "broker:<node>", "store"."""
    if names in ("all", "subset"):
        return ALL if names == "all" else SUBSET
    chosen = []
    for name in (n.strip() for n in names.split(",") if n.strip()):
        kind, _, node = name.partition(":")
        if kind == "broker" and (node or "1").isdigit():
            try:
                broker(PROFILES[brokers], int(node or 1))
            except ValueError as error:
                raise SystemExit(str(error)) from None
            chosen.append(Fault(f"stop broker {node or 1}", "broker", node=int(node or 1)))
        elif name in PROCESSES or name == "store":
            chosen += [f for f in ALL if name in (f.target, f.kind)]
        else:
            raise SystemExit(f"unknown fault {name!r}; choose from {', '.join(PROCESSES)}, broker[:node], store")
    return tuple(chosen)


class Chaos:
    """The chaos profile's servers (one Kafka broker, or three) and a platform on them; `inject` breaks and
    repairs one thing."""

    def __init__(self, brokers: int = 1):
        self.profile = PROFILES[brokers]
        run_id = uuid.uuid4().hex[:8]
        self.prefix = f"chaos{run_id}"
        self.env = {**os.environ, **launcher.environment(self.profile), "MONGODB_DB_PREFIX": self.prefix,
                    "KAFKA_TOPIC_PREFIX": f"{self.prefix}-", "JWT_SECRET": SECRET, "WEB_CONCURRENCY": "2",
                    "LOG_LEVEL": "WARNING", "HTTP_RATE_LIMIT": "0", "REMINDERS_DISPATCH_INTERVAL_SECONDS": "1"}
        ports = {service: free_port() for service in HTTP_PORTS}
        self.platform = Platform(Path(tempfile.mkdtemp(prefix="chaos-")), self.env, ports, metrics=False)

    def start(self) -> None:
        """Fresh servers of the chaos profile (nothing left from an earlier run), then the platform."""
        launcher.install()
        launcher.down(self.profile)
        shutil.rmtree(self.profile.home, ignore_errors=True)
        launcher.start_docstore(self.profile)
        launcher.start_kafka(self.profile)
        self.platform.start()
        self.platform.wait_ready(timeout=READY_TIMEOUT_S)

    def stop(self) -> None:
        """Stop the platform and the servers, and remove the profile's data."""
        self.platform.stop()
        launcher.down(self.profile)
        shutil.rmtree(self.profile.home, ignore_errors=True)

    def inject(self, fault: Fault) -> None:
        """Break what the fault names, repair it (a broker or the store after PAUSE_S; supervisord restarts a
        process), and return once it serves again."""
        if fault.kind == "process":
            pid = self.platform.kill(fault.target)  # supervisord starts it again: nobody else does
            self._wait(lambda: self.platform.restarted(fault.target, pid), f"{fault.name} (the restart)")
            if fault.api:
                self._wait(lambda: ready(self.platform.url(fault.api)), fault.name)
        elif fault.kind == "broker":
            launcher.stop_kafka(self.profile, broker(self.profile, fault.node))
            time.sleep(PAUSE_S)
            launcher.start_kafka(self.profile, broker(self.profile, fault.node))
        else:
            kill_docstore(self.profile)
            time.sleep(PAUSE_S)
            launcher.start_docstore(self.profile)
        failed = [process.name for process in self.platform.supervision.processes() if process.failed]
        if failed:
            raise RuntimeError(f"processes exited after {fault.name}: {failed}\n"
                               f"{self.platform.supervision.tail(failed[0])}")

    def _wait(self, condition, what: str) -> None:
        ends = time.monotonic() + READY_TIMEOUT_S
        while not condition():
            if time.monotonic() > ends:
                raise RuntimeError(f"not ready {READY_TIMEOUT_S}s after {what}")
            time.sleep(0.2)


def broker(profile: launcher.Profile, node: int) -> list[int]:
    """The Kafka node `node` of the profile (numbered from 1, as the launcher numbers a cluster's)."""
    if node not in profile.nodes:
        raise ValueError(f"the {profile.name} profile runs Kafka nodes {profile.nodes}, not node {node}")
    return [node]


def kill_docstore(profile: launcher.Profile) -> None:
    """kill -9 the profile's document store (its H2 file keeps what it acknowledged)."""
    pid = launcher.running_pid(profile, "docstore")
    if pid is None:
        raise RuntimeError(f"the {profile.name} profile's document store is not running")
    os.kill(pid, signal.SIGKILL)
    while True:
        launcher.reap(pid)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    launcher.pidfile(profile, "docstore").unlink(missing_ok=True)
