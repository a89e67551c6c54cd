"""Run the fault suite and print its table: python -m tools.chaos [--faults all|subset|NAMES] [--rate N] [--brokers 1|3].

With --brokers 3 the servers are a cluster of three Kafka nodes (profile chaos-cluster: topics replicated three
times, min.insync.replicas 2) and "stop broker 1" stops one of the three.

Exit code 0 when nothing was lost or applied twice, every projection equals a fresh replay, the lag returned to 0
and every interrupted request resolved on retry; 1 otherwise.
"""
from __future__ import annotations

import argparse
import functools
import signal
import sys

from tools.chaos.faults import by_names
from tools.chaos.suite import run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.chaos", description=__doc__.splitlines()[0])
    parser.add_argument("--faults", default="all",
                        help="all, subset, or a comma-separated list of process names, broker, store")
    parser.add_argument("--rate", type=float, default=10, help="commands a second (default 10)")
    parser.add_argument("--brokers", type=int, choices=(1, 3), default=1, help="Kafka brokers (default 1)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # `timeout` too stops what the suite started
    outcome = run(by_names(args.faults, args.brokers), args.rate, say=functools.partial(print, flush=True),
                  brokers=args.brokers)
    print(f"\n{args.brokers} Kafka broker(s)\n" + outcome.table() + "\n\n" + outcome.summary())
    for name, found in (("lost", outcome.lost), ("duplicated", outcome.duplicated),
                        ("unresolved", outcome.unresolved)):
        for index, what in sorted(found.items())[:20]:
            command = outcome.commands[index]
            print(f"{name}: {command.kind} {command.request_id}: {what}")
    healthy = not (outcome.lost or outcome.duplicated or outcome.unresolved or outcome.projections
                   or any(outcome.lag.values()))
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
