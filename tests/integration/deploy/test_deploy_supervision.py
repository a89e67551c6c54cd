"""Processes under supervisord (deploy/supervision.py) come back after kill -9 and stop cleanly on SIGTERM.

Two small Python processes stand in for the platform's (the real list needs Kafka
and the store; its configuration is checked in tests/unit/deploy). One of them,
like the workers, finishes its work after SIGTERM before it exits.
"""
import os
import signal
import sys
import time

import pytest

from deploy.supervision import ProcessSpec, Supervision
from tests.support import wait_until

pytestmark = pytest.mark.integration

GRACEFUL = """
import pathlib, signal, sys, time
def stop(*_):
    time.sleep(1)  # a batch to finish
    pathlib.Path(sys.argv[1]).write_text("stopped cleanly")
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
while True:
    time.sleep(0.1)
"""


@pytest.fixture
def supervised(tmp_path):
    (tmp_path / "graceful.py").write_text(GRACEFUL)
    specs = [ProcessSpec("sleeper", (sys.executable, "-c", "import time; time.sleep(600)")),
             ProcessSpec("graceful", (sys.executable, str(tmp_path / "graceful.py"), str(tmp_path / "graceful.out")),
                         (("GREETING", "50% done"),))]
    supervision = Supervision(tmp_path / "run", specs, dict(os.environ), tmp_path)
    supervision.start()
    try:
        yield supervision
    finally:
        supervision.stop()


def by_name(supervision: Supervision) -> dict:
    return {process.name: process for process in supervision.processes()}


def all_running(supervision: Supervision) -> dict:
    def check():
        processes = by_name(supervision)
        return processes if all(p.state == "RUNNING" for p in processes.values()) else None
    return wait_until(check, timeout=15, message="every process RUNNING")


def test_a_killed_process_is_restarted_within_seconds_and_counted(supervised):
    running = all_running(supervised)
    assert {p.restarts for p in running.values()} == {0}
    killed = running["graceful"].pid
    os.kill(killed, signal.SIGKILL)
    began = time.monotonic()

    back = wait_until(lambda: (p := by_name(supervised)["graceful"]).state == "RUNNING" and p.pid != killed and p,
                      timeout=15, message="graceful running again")
    assert time.monotonic() - began < 10
    assert back.restarts == 1
    assert by_name(supervised)["sleeper"].restarts == 0
    assert "exited: graceful (terminated by SIGKILL" in supervised.tail("supervisord")


def test_stop_sends_sigterm_and_waits_for_the_process_to_finish(supervised, tmp_path):
    pids = [p.pid for p in all_running(supervised).values()]
    supervised.stop()
    assert (tmp_path / "graceful.out").read_text() == "stopped cleanly"
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert not supervised.running()
