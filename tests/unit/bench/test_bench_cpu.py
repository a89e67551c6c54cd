import os
import subprocess
import sys

import pytest

from bench import cpu


@pytest.mark.parametrize("argv, expected", [
    (["/usr/bin/java", "-Xmx4g", "-cp", "libs/*", "DocStore", "--port", "27117"], "store :27117"),
    (["java", "-cp", "libs/*", "DocStore"], "store"),
    (["java", "-cp", "libs/*", "kafka.Kafka", "/work/.infra/bench/kafka.properties"], "kafka bench"),
    (["/venv/bin/python", "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "--bind", "127.0.0.1:8001",
      "services.goals.app:create_app()"], "gunicorn services.goals.app"),
    (["/venv/bin/python", "-m", "services.reminders.worker", "dispatcher"], "services.reminders.worker dispatcher"),
    (["/venv/bin/python", "-m", "services.reports.worker"], "services.reports.worker"),
    (["/usr/bin/python3", "/work/deploy/supervision.py"], "python3 supervision.py"),
    ([], "?"),
])
def test_a_process_is_labelled_by_its_kind(argv, expected):
    assert cpu.label(argv) == expected


def test_cores_are_summed_per_kind_over_the_window_and_a_reused_pid_counts_from_zero():
    before = (10.0, {1: ("store", 100), 2: ("kafka", 50), 3: ("gunicorn services.goals.app", 0)})
    after = (12.0, {1: ("store", 100 + 2 * cpu.TICKS), 2: ("kafka", 50), 3: ("bench.growth", cpu.TICKS // 2),
                    4: ("gunicorn services.goals.app", cpu.TICKS)})

    assert cpu.cores_used(before, after) == {"store": 1.0, "gunicorn services.goals.app": 0.5,
                                             "bench.growth": 0.25}


def test_a_snapshot_sees_this_process():
    taken, processes = cpu.snapshot()

    assert os.getpid() in processes and processes[os.getpid()][1] >= 0


def test_a_child_of_this_process_is_ours_and_another_python_process_is_other():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(5)"])
    try:
        _, processes = cpu.snapshot()
    finally:
        child.kill()
        child.wait()

    assert not processes[child.pid][0].startswith("other")
    assert processes[os.getppid()][0].startswith("other") or processes[os.getppid()][0].split()[0] in ("store", "kafka")
