"""The growth benchmark's figures: percentiles, the table, the targets and the chart."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from bench.growth_load import LABELS

P99_GROWTH_LIMIT = 1.5    # p99 at the largest size within 1.5x of the smallest
FRESHNESS_P99_LIMIT_S = 1.0


def percentile(samples: list[float], p: float) -> float | None:
    """The nearest-rank percentile (None without samples)."""
    if not samples:
        return None
    ordered = sorted(samples)
    return ordered[min(len(ordered), max(1, math.ceil(p / 100 * len(ordered)))) - 1]


@dataclass
class SizeResult:
    size: int
    events: int
    api: dict[str, list[float]]                 # operation -> latencies (s)
    raw: dict[str, list[float]]                 # operation -> raw store timings (s)
    failures: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, set] = field(default_factory=dict)
    unloaded: dict[str, list[float]] = field(default_factory=dict)  # operation -> one request at a time (s)
    cpu: dict[str, dict[str, float]] = field(default_factory=dict)  # window (idle, load) -> process kind -> cores
    store_gc: str = ""  # the store JVM's collection pauses during the measured load

    def p(self, operation: str, q: float, raw: bool = False) -> float | None:
        return percentile((self.raw if raw else self.api).get(operation, []), q)

    def alone(self, operation: str) -> float | None:
        return percentile(self.unloaded.get(operation, []), 50)


def save(results: list[SizeResult], path: Path) -> None:
    """Every sample, so the table and chart can be drawn again (python -m bench.growth --redraw)."""
    path.write_text(json.dumps([{**vars(result), "statuses": {k: sorted(map(str, v)) for k, v in
                                                              result.statuses.items()}} for result in results]))


def load(path: Path) -> list[SizeResult]:
    return [SizeResult(**item) for item in json.loads(path.read_text())]


def cpu_table(results: list[SizeResult], top: int = 8) -> str:
    """Markdown table: cores used by each process kind, idle and under load, per size (the busiest kinds)."""
    totals: dict[str, float] = {}
    for result in results:
        for used in result.cpu.values():
            for name, cores in used.items():
                totals[name] = totals.get(name, 0.0) + cores
    names = sorted(totals, key=totals.get, reverse=True)[:top]
    windows = [(result, window) for result in results for window in ("idle", "load") if window in result.cpu]
    if not windows:
        return ""
    head = "| cores used | " + " | ".join(f"{result.size:,} {window}" for result, window in windows) + " |"
    rows = [f"| {name} | " + " | ".join(f"{result.cpu[window].get(name, 0.0):.2f}" for result, window in windows)
            + " |" for name in names]
    total = "| all processes | " + " | ".join(f"{sum(result.cpu[window].values()):.2f}"
                                              for result, window in windows) + " |"
    return "\n".join([head, "|---|" + "---|" * len(windows), *rows, total])


def ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:.1f}"


def table(results: list[SizeResult], operations: list[str]) -> str:
    """Markdown table: per operation and size, p50/p99 under load, p50 alone, the raw store's p50/p99 and the
    application's share of the time alone."""
    lines = ["| operation | goals | events | n | failed | p50 ms | p99 ms | alone p50 ms | store p50 ms | store p99 ms "
             "| app share |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for operation in operations:
        for result in results:
            p50, p99, alone = result.p(operation, 50), result.p(operation, 99), result.alone(operation)
            raw50, raw99 = result.p(operation, 50, raw=True), result.p(operation, 99, raw=True)
            basis = alone or p50
            share = "-" if raw50 is None or not basis else f"{max(0.0, 1 - raw50 / basis):.0%}"
            lines.append(f"| {LABELS[operation]} | {result.size:,} | {result.events:,} | "
                         f"{len(result.api.get(operation, []))} | {result.failures.get(operation, 0)} | {ms(p50)} | "
                         f"{ms(p99)} | {ms(alone)} | {ms(raw50)} | {ms(raw99)} | {share} |")
    return "\n".join(lines)


def targets(results: list[SizeResult], operations: list[str]) -> list[tuple[str, bool]]:
    """Each target with whether it is met: p99 growth smallest -> largest size, freshness p99 at every size."""
    first, last = results[0], results[-1]
    verdicts = []
    for operation in operations:
        if operation == "freshness":
            continue
        before, after = first.p(operation, 99), last.p(operation, 99)
        ratio = after / before if before and after is not None else float("inf")
        verdicts.append((f"{LABELS[operation]}: p99 at {last.size:,} ({ms(after)} ms) <= {P99_GROWTH_LIMIT}x p99 at "
                         f"{first.size:,} ({ms(before)} ms): {ratio:.2f}x", ratio <= P99_GROWTH_LIMIT))
    for result in results:
        p99 = result.p("freshness", 99)
        complete = result.failures.get("freshness", 0) == 0
        verdicts.append((f"freshness p99 at {result.size:,} goals < {FRESHNESS_P99_LIMIT_S:.0f} s: {ms(p99)} ms"
                         + ("" if complete else f" ({result.failures['freshness']} never seen)"),
                         p99 is not None and p99 < FRESHNESS_P99_LIMIT_S and complete))
    return verdicts


def chart(results: list[SizeResult], operations: list[str], path: Path) -> None:
    """Latency against size (log x, log y): API p99 and p50 per operation, and the raw store's p50."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [result.size for result in results]
    figure, (left, right) = plt.subplots(1, 2, figsize=(15, 9), sharex=True)
    colors = plt.get_cmap("tab10")
    for k, operation in enumerate(operations):
        color = colors(k)
        p99 = [_ms_or_nan(result.p(operation, 99)) for result in results]
        p50 = [_ms_or_nan(result.p(operation, 50)) for result in results]
        left.plot(sizes, p99, "o-", color=color, label=LABELS[operation])
        right.plot(sizes, p50, "o-", color=color, label=LABELS[operation])
        raw = [_ms_or_nan(result.p(operation, 50, raw=True)) for result in results]
        if any(value == value for value in raw):
            right.plot(sizes, raw, "s:", color=color, label=f"{LABELS[operation]}: store calls only")
    left.axhline(FRESHNESS_P99_LIMIT_S * 1000, color="grey", linestyle="--", linewidth=0.8)
    left.text(sizes[0], FRESHNESS_P99_LIMIT_S * 1000 * 0.93, "freshness target 1 s", color="grey", fontsize=8,
              va="top")
    for axis, title in ((left, "p99 under 50 commands/s"), (right, "p50: API (solid) and raw store call (dotted)")):
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xticks(sizes, [f"{size:,}" for size in sizes])
        axis.set_xlabel("goals in the platform (x6 events)")
        axis.set_ylabel("latency (ms)")
        axis.set_title(title)
        axis.grid(True, which="both", alpha=0.3)
    left.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2)
    right.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2)
    figure.suptitle("Growth benchmark (bench/growth.py)")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)


def _ms_or_nan(seconds: float | None) -> float:
    return float("nan") if seconds is None else seconds * 1000
