"""The proof that every query the code sends is served by a declared index (the test suite's check).

Each store module declares its indexes and the shapes of its queries
(shared.store.indexes); the sessions record the shapes the code really sends
(shared.store.queryshapes). This module gathers every service's declarations
(:func:`registry`), decides whether an index serves a shape under MongoDB's prefix
rule (:func:`served`), and names each recorded shape that is not declared or not
served (:func:`undeclared`; tests/conftest.py fails the session on any).
"""
from __future__ import annotations

import importlib
import json
import pkgutil
from pathlib import Path

from shared.store.indexes import Indexes, Query


def registry(package: str = "services") -> dict[str, Indexes]:
    """Every service's declarations: the ``DECLARED`` of each ``<package>.<service>.indexes`` module."""
    root = importlib.import_module(package)
    found = {}
    for module in pkgutil.iter_modules(root.__path__):
        if module.ispkg:
            try:
                found[module.name] = importlib.import_module(f"{package}.{module.name}.indexes").DECLARED
            except ModuleNotFoundError as missing:
                if missing.name != f"{package}.{module.name}.indexes":
                    raise
    return found


def by_id(query: Query) -> bool:
    """Whether the query compares `_id` by equality: the `_id` index serves it, it needs no declaration."""
    return "_id" in query.equal


def describe(query: Query) -> str:
    """The shape in one line (names only), e.g. `commits equal=['stream_id'] sort=[('first_version', 1)]`."""
    parts = [f"equal={sorted(query.equal)}" * bool(query.equal), f"range={sorted(query.range)}" * bool(query.range),
             f"sort={list(query.sort)}" * bool(query.sort)]
    return f"{query.collection} {' '.join(part for part in parts if part) or '(everything)'}"


def served(query: Query, keys: list[tuple[str, int]]) -> bool:
    """Whether an index with `keys` serves the query under MongoDB's prefix rule.

    The equality fields are the index's leading keys (in any order); the sort keys
    come next, in order, all in the index's directions or all reversed; every range
    field is one of the keys after the equality prefix. Nothing is left to filter
    outside the index and no sort happens in memory. The read is narrowed by the
    equality prefix, else by a range on the first key, else it is an ordered read
    of the first entries (a sort on the leading keys, with a limit).
    """
    names = [name for name, _ in keys]
    prefix = len(query.equal)
    if not (query.equal or query.range or query.sort) or set(names[:prefix]) != set(query.equal):
        return False
    rest = keys[prefix:]
    if query.sort:
        if [name for name, _ in rest[:len(query.sort)]] != [name for name, _ in query.sort]:
            return False
        same = [direction == wanted for (_, direction), (_, wanted) in zip(rest, query.sort)]
        if not (all(same) or not any(same)):
            return False
    elif not query.equal and names[0] not in query.range:
        return False
    return set(query.range) <= {name for name, _ in rest}


def serving(declared: Indexes, query: Query) -> list[tuple[str, int]] | None:
    """The keys of a declared index that serves the query (the `_id` index for `_id` equality), or None."""
    if by_id(query):
        return [("_id", 1)]
    indexes = [list(model.document["key"].items()) for model in declared.models.get(query.collection, ())]
    return next((keys for keys in indexes if served(query, keys)), None)


def read(directory: str) -> set[Query]:
    """Every shape recorded into the directory's files (shared.store.queryshapes writes them)."""
    found = set()
    for path in Path(directory).glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            raw = json.loads(line)
            found.add(Query.of(raw["collection"], raw["equal"], raw["range"], [tuple(key) for key in raw["sort"]]))
    return found


def undeclared(shapes, declared: Indexes) -> list[str]:
    """One line per shape that is neither on `_id`, nor declared and served by a declared index."""
    listed = {(q.collection, q.equal, q.range, q.sort): q for q in declared.queries}
    problems = []
    for shape in sorted(shapes, key=describe):
        entry = listed.get((shape.collection, shape.equal, shape.range, shape.sort))
        if by_id(shape):
            continue
        if entry is None:
            problems.append(f"{describe(shape)}: not declared")
        elif entry.scan is None and serving(declared, entry) is None:
            problems.append(f"{describe(shape)}: no declared index serves it")
    return problems
