"""The shapes of the queries a process sends, recorded to prove every one is declared and indexed.

A pymongo CommandListener turns each find, update, delete, findAndModify,
count, distinct and aggregate (its opening ``$match``) into shared.store.indexes.Query
shapes: field names and sort keys only, never values (they may be personal
data). Only commands sent from the product code (``services/``, ``shared/``)
are recorded; the tests' own reads are not the code's queries. A ``$or``
gives one shape per branch (MongoDB plans each branch on its own index), the
projection guard ``applied.<subject>`` is left out (it is checked on a
document the rest of the filter found), and a rebuild's ``<name>__rebuild``
collections count as ``<name>``.

Set ``MONGODB_QUERY_SHAPES_DIR`` and every client made by shared.store.mongo records
into ``<dir>/<pid>.jsonl`` (the test suite sets it, so the services it starts
as processes record too); the test suite compares them with the declarations of
shared.store.indexes (tests/index_check.py reads the files).
"""
from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Any, Mapping

from pymongo import monitoring

from shared.store.indexes import Query

ENV = "MONGODB_QUERY_SHAPES_DIR"
GUARD = "applied."
REBUILT = "__rebuild"
EQUALITY_OPERATORS = frozenset({"$eq", "$in"})
ROOT = Path(__file__).resolve().parents[2]  # the repository: shared/store/queryshapes.py is two folders down
CODE = tuple(str(ROOT / part) + os.sep for part in ("services", "shared"))
PROJECT = CODE + tuple(str(ROOT / part) + os.sep for part in ("tests", "bench", "deploy", "tools"))


def shapes_of(command_name: str, command: Mapping[str, Any]) -> list[Query]:
    """The query shapes of one command (none for commands that do not query)."""
    name = command_name.lower()
    collection = command.get(command_name)
    if not isinstance(collection, str):
        return []
    collection = collection.removesuffix(REBUILT)
    if name == "find":
        filters = [(command.get("filter") or {}, command.get("sort"))]
    elif name == "findandmodify":
        filters = [(command.get("query") or {}, command.get("sort"))]
    elif name == "update":
        filters = [(update.get("q") or {}, None) for update in command.get("updates", ())]
    elif name == "delete":
        filters = [(delete.get("q") or {}, None) for delete in command.get("deletes", ())]
    elif name in ("count", "distinct"):
        filters = [(command.get("query") or {}, None)]
    elif name == "aggregate":
        filters = [_opening_match(command.get("pipeline") or [])]
    else:
        return []
    return [Query(collection, frozenset(equal), frozenset(ranged), _sort(sort))
            for filter_, sort in filters for equal, ranged in _branches(filter_)]


def _opening_match(pipeline: list) -> tuple[dict, dict | None]:
    first = pipeline[0] if pipeline else {}
    match = first.get("$match", {}) if isinstance(first, dict) else {}
    after = pipeline[1] if "$match" in first and len(pipeline) > 1 else {}
    return match, after.get("$sort") if isinstance(after, dict) else None


def _sort(sort: dict | None) -> tuple[tuple[str, int], ...]:
    return tuple((field, int(direction)) for field, direction in (sort or {}).items()
                 if isinstance(direction, (int, float)))


def _branches(filter_: dict) -> list[tuple[set, set]]:
    """(equality fields, range fields) of each branch of the filter's $or / $and."""
    equal, ranged, alternatives = set(), set(), []
    for key, value in filter_.items():
        if key in ("$or", "$and"):
            clauses = [_branches(clause) for clause in value]
            if key == "$or":
                alternatives.append([branch for branches in clauses for branch in branches])
            else:
                alternatives.extend(clauses)
        elif key.startswith(GUARD):
            continue
        elif key.startswith("$") or _is_operator(value) and not set(value) <= EQUALITY_OPERATORS:
            ranged.add(key)
        else:
            equal.add(key)
    branches = [(equal, ranged)]
    for options in alternatives:
        branches = [(e | other_e, r | other_r) for e, r in branches for other_e, other_r in options]
    return branches


def _is_operator(value: object) -> bool:
    return isinstance(value, dict) and bool(value) and all(str(key).startswith("$") for key in value)


def from_code() -> bool:
    """Whether the innermost frame of this project's files on the stack is product code."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.startswith(PROJECT) and filename != __file__:
            return filename.startswith(CODE)
        frame = frame.f_back
    return False


class ShapeRecorder(monitoring.CommandListener):
    """Records the shapes of the product code's queries (and appends new ones to a file, if given)."""

    def __init__(self, directory: str | None = None) -> None:
        self.directory, self._lock = directory, threading.Lock()
        self.shapes: set[Query] = set()

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        found = shapes_of(event.command_name, event.command)
        if not found or not from_code():
            return
        with self._lock:
            new = [shape for shape in found if shape not in self.shapes]
            self.shapes.update(new)
            if new and self.directory:
                with open(Path(self.directory) / f"{os.getpid()}.jsonl", "a", encoding="utf-8") as out:
                    out.writelines(json.dumps(_as_json(shape)) + "\n" for shape in new)

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


_installed: list[ShapeRecorder] = []


def install(directory: str | None = None) -> ShapeRecorder:
    """Register the process's recorder for every client created from now on (once per process)."""
    if not _installed:
        _installed.append(ShapeRecorder(directory or os.environ.get(ENV)))
        monitoring.register(_installed[0])
    return _installed[0]


def _as_json(shape: Query) -> dict:
    return {"collection": shape.collection, "equal": sorted(shape.equal), "range": sorted(shape.range),
            "sort": [list(key) for key in shape.sort]}
