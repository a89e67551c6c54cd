"""Rebuild the report projections from the event topics, or check them against a full replay.

``python -m services.reports.rebuild`` replays every event into fresh collections
(the clinic aggregates included), swaps them in, then catches up; the API keeps
serving the old collections meanwhile. Stop the reports worker first
(shared.messaging.replay refuses while its consumer group has members: a consumer
writing beside the swap would apply a goal's newer events before the rebuild's
catch-up applies its older ones, which the guard would then skip; docs/reports.md,
"Rebuild and verify"). Exit code 0 on success, 2 when the worker is still running.

``python -m services.reports.rebuild --verify`` replays every event into a scratch
database ``<database>_verify`` instead, compares each collection document by
document with the live one, prints the differences (ids and field paths, never
values: they are personal data) and exits with 1 when there is any. The
idempotency bookkeeping (``applied``, ``applied_offsets``) is ignored. It never
writes the live collections, so it may run beside the worker; run it while the
consumer has no lag: an event that arrives during the check shows up as a
difference, which a second run tells apart.
"""
from __future__ import annotations

import argparse
import sys

from services.reports.projection import reports_projection
from services.reports.settings import ReportsSettings
from shared.messaging import replay
from shared.messaging.replay import print_progress, replay_into
from shared.runtime import jsonlog
from shared.runtime.config import Settings
from shared.store import mongo
from shared.store.projection import Projection

BOOKKEEPING = frozenset({"applied", "applied_offsets"})  # the guards' (shared.store.projection)
SCRATCH_SUFFIX = "_verify"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.reports.rebuild", description=__doc__.split("\n")[0])
    parser.add_argument("--verify", action="store_true",
                        help="compare the live projections with a full replay instead (exit 1 on any difference)")
    settings = ReportsSettings()
    if not parser.parse_args(argv).verify:
        return replay.main(reports_projection(), settings)
    jsonlog.configure(settings.log_level)
    found = verify(reports_projection(), settings, mongo.database(settings))
    print(file=sys.stderr)  # after the progress line
    for line in found:
        print(line)
    print(f"{len(found)} difference(s) between the live projections and a full replay"
          if found else "the live projections match a full replay")
    return 1 if found else 0


def verify(projection: Projection, settings: Settings, db, progress=print_progress) -> list[str]:
    """Replay into the scratch database, compare with `db`, drop the scratch database; the differences."""
    scratch = db.client[db.name + SCRATCH_SUFFIX]
    db.client.drop_database(scratch.name)
    try:
        replay_into(projection, settings, scratch, progress)
        return [line for name in projection.collections
                for line in differences(name, db[name].find(), scratch[name].find())]
    finally:
        db.client.drop_database(scratch.name)


def differences(name: str, live_documents, replayed_documents) -> list[str]:
    """One line per document that is missing on either side or differs, naming the fields."""
    live = {doc["_id"]: doc for doc in live_documents}
    replayed = {doc["_id"]: doc for doc in replayed_documents}
    lines = [f"{name} {key}: only in the live collection" for key in sorted(live.keys() - replayed.keys(), key=str)]
    lines += [f"{name} {key}: missing from the live collection"
              for key in sorted(replayed.keys() - live.keys(), key=str)]
    for key in sorted(live.keys() & replayed.keys(), key=str):
        paths = differing_paths(live[key], replayed[key])
        if paths:
            lines.append(f"{name} {key}: differs at {', '.join(paths)}")
    return lines


def differing_paths(live, replayed, prefix: str = "") -> list[str]:
    """Field paths where two documents differ (a dict is compared field by field, anything else whole)."""
    if isinstance(live, dict) and isinstance(replayed, dict):
        paths = []
        for key in sorted(set(live) | set(replayed), key=str):
            if prefix == "" and key in BOOKKEEPING:
                continue
            paths += differing_paths(live.get(key), replayed.get(key), f"{prefix}.{key}" if prefix else str(key))
        return paths
    return [] if live == replayed else [prefix or "(document)"]


if __name__ == "__main__":
    sys.exit(main())
