"""CPU time per process kind over a window, read from /proc: which process the machine's cores went to.

    before = cpu.snapshot(); ...; used = cpu.cores_used(before, cpu.snapshot())

Every process on the machine is counted (the benchmark's own, the servers', and anything else the
machine runs), grouped by a label drawn from its command line: `store :<port>` (DocStore), `kafka
<profile>`, a Python
module with its arguments (`services.reminders.worker dispatcher`), gunicorn's app, or the program's
name. Linux only; elsewhere a snapshot is empty.
"""
from __future__ import annotations

import os
import subprocess
import time
from collections import Counter
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
PROC = Path("/proc")


def label(argv: list[str]) -> str:
    """A short name for a process kind, e.g. "store :37117", "kafka bench", "gunicorn services.goals.app",
    "services.reminders.worker dispatcher", "bench.growth"."""
    if not argv:
        return "?"
    program = Path(argv[0]).name
    if program.startswith("java"):
        if "DocStore" in argv:
            return "store :" + argv[argv.index("--port") + 1] if "--port" in argv[:-1] else "store"
        if "kafka.Kafka" in argv[:-1]:  # its properties file lies in the profile's folder
            return "kafka " + Path(argv[argv.index("kafka.Kafka") + 1]).parent.name
        return "java"
    if "-m" in argv[:-1]:
        module, *rest = argv[argv.index("-m") + 1:]
        if module == "gunicorn":
            app = next((arg for arg in rest if arg.startswith("services.")), "")
            return f"gunicorn {app.split(':')[0]}".strip()
        return " ".join([module, *[arg for arg in rest if not arg.startswith("-")][:1]])
    scripts = [arg for arg in argv[1:2] if not arg.startswith("-")]
    return " ".join([program, *(Path(arg).name for arg in scripts)])


def _stat(pid: Path) -> tuple[int, int] | None:
    """(parent pid, CPU ticks so far) of a process, None once it has gone."""
    try:
        stat = (pid / "stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) ": state, ppid, ...
    return int(fields[1]), int(fields[11]) + int(fields[12])  # utime + stime


def snapshot(roots: tuple[int, ...] = ()) -> tuple[float, dict[int, tuple[str, int]]]:
    """(monotonic time, pid -> (label, CPU ticks so far)) for every process readable now. A process that
    is not this one, one of `roots` (e.g. a daemon this one started, such as supervisord) or a descendant
    of those is labelled "other ...": another program's run of the same code (the servers, started as
    daemons, are told apart by their port or profile instead)."""
    stats: dict[int, tuple[int, int]] = {}
    labels: dict[int, str] = {}
    for pid in PROC.glob("[0-9]*"):
        stat = _stat(pid)
        try:
            argv = (pid / "cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue
        if stat is not None:
            stats[int(pid.name)], labels[int(pid.name)] = stat, label([arg for arg in argv if arg])
    ours = {os.getpid(), *roots}
    for pid in sorted(stats, key=lambda pid: _depth(pid, stats)):
        if stats[pid][0] in ours:
            ours.add(pid)
    return time.monotonic(), {pid: (labels[pid] if pid in ours or labels[pid].split()[0] in ("store", "kafka")
                                    else "other " + labels[pid], ticks) for pid, (_, ticks) in stats.items()}


def _depth(pid: int, stats: dict[int, tuple[int, int]]) -> int:
    depth = 0
    while pid in stats and depth < 64:
        pid, depth = stats[pid][0], depth + 1
    return depth


def cores_used(before: tuple[float, dict], after: tuple[float, dict]) -> dict[str, float]:
    """Label -> cores used on average between the two snapshots (1.0 = one core busy), largest first.
    A process started in the window counts from its start; one that ended in it is not seen."""
    seconds = max(after[0] - before[0], 1e-9)
    used: Counter[str] = Counter()
    for pid, (name, ticks) in after[1].items():
        earlier = before[1].get(pid)
        used[name] += (ticks - (earlier[1] if earlier and earlier[0] == name else 0)) / TICKS / seconds
    return {name: round(cores, 3) for name, cores in used.most_common() if cores >= 0.005}


def pids_of(taken: tuple[float, dict[int, tuple[str, int]]], name: str) -> list[int]:
    """The pids a snapshot labelled `name` (e.g. "store :37117")."""
    return [pid for pid, (label_, _) in taken[1].items() if label_ == name]


def gc_pauses(pid: int) -> dict[str, float] | None:
    """A JVM's collections so far, from the JDK's `jstat -gc`: young and full pause counts and seconds
    (G1), or the concurrent cycles (ZGC, which reports no young or full pauses). None without jstat."""
    try:
        out = subprocess.run(["jstat", "-gc", str(pid)], capture_output=True, text=True, timeout=20).stdout.split("\n")
        values = {key: float(value) for key, value in zip(out[0].split(), out[1].split()) if value != "-"}
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None
    return {key: values[key] for key in ("YGC", "YGCT", "FGC", "FGCT", "CGC") if key in values}


def gc_during(before: dict[str, float] | None, after: dict[str, float] | None) -> str:
    """E.g. "41 young pauses, 3.2 s in all, 78 ms each; 0 full" between two gc_pauses readings."""
    if not before or not after:
        return "not measured"
    if "YGC" not in after:
        return f"{after.get('CGC', 0) - before.get('CGC', 0):.0f} concurrent cycles" if "CGC" in after else "not measured"
    young, young_s = after["YGC"] - before["YGC"], after["YGCT"] - before["YGCT"]
    full, full_s = after.get("FGC", 0) - before.get("FGC", 0), after.get("FGCT", 0) - before.get("FGCT", 0)
    each = f", {young_s / young * 1000:.0f} ms each" if young else ""
    return f"{young:.0f} young pauses, {young_s:.1f} s in all{each}; {full:.0f} full, {full_s:.1f} s"
