"""CPU time per process kind over a window, read from /proc: which process the machine's cores went to.

    before = cpu.snapshot(); ...; used = cpu.cores_used(before, cpu.snapshot())

Every process on the machine is counted (the benchmark's own, the servers', and anything else the
machine runs), grouped by a label drawn from its command line: `store` (DocStore), `kafka`, a Python
module with its arguments (`services.reminders.worker dispatcher`), gunicorn's app, or the program's
name. Linux only; elsewhere a snapshot is empty.
"""
from __future__ import annotations

import os
import time
from collections import Counter
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
PROC = Path("/proc")


def label(argv: list[str]) -> str:
    """A short name for a process kind, e.g. "store", "kafka", "gunicorn services.goals.app",
    "services.reminders.worker dispatcher", "bench.growth"."""
    if not argv:
        return "?"
    program = Path(argv[0]).name
    if program.startswith("java"):
        return "store" if "DocStore" in argv else "kafka" if "kafka.Kafka" in argv else "java"
    if "-m" in argv[:-1]:
        module, *rest = argv[argv.index("-m") + 1:]
        if module == "gunicorn":
            app = next((arg for arg in rest if arg.startswith("services.")), "")
            return f"gunicorn {app.split(':')[0]}".strip()
        return " ".join([module, *[arg for arg in rest if not arg.startswith("-")][:1]])
    scripts = [arg for arg in argv[1:2] if not arg.startswith("-")]
    return " ".join([program, *(Path(arg).name for arg in scripts)])


def _ticks(pid: Path) -> int | None:
    try:
        stat = (pid / "stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) ": state is fields[0]
    return int(fields[11]) + int(fields[12])  # utime + stime


def snapshot() -> tuple[float, dict[int, tuple[str, int]]]:
    """(monotonic time, pid -> (label, CPU ticks so far)) for every process readable now."""
    taken: dict[int, tuple[str, int]] = {}
    for pid in PROC.glob("[0-9]*"):
        ticks = _ticks(pid)
        try:
            argv = (pid / "cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue
        if ticks is not None:
            taken[int(pid.name)] = (label([arg for arg in argv if arg]), ticks)
    return time.monotonic(), taken


def cores_used(before: tuple[float, dict], after: tuple[float, dict]) -> dict[str, float]:
    """Label -> cores used on average between the two snapshots (1.0 = one core busy), largest first.
    A process started in the window counts from its start; one that ended in it is not seen."""
    seconds = max(after[0] - before[0], 1e-9)
    used: Counter[str] = Counter()
    for pid, (name, ticks) in after[1].items():
        earlier = before[1].get(pid)
        used[name] += (ticks - (earlier[1] if earlier and earlier[0] == name else 0)) / TICKS / seconds
    return {name: round(cores, 3) for name, cores in used.most_common() if cores >= 0.005}
