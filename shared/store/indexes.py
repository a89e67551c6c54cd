"""Indexes and the queries they serve, declared next to the store code that issues the queries.

Each store module exposes an :class:`Indexes` value: the ``IndexModel`` s of its
collections and the shape of every query it sends (:class:`Query`). A service
gathers its modules' values in ``services/<service>/indexes.py`` (``DECLARED``);
its start-up code creates exactly those indexes (:func:`ensure`, idempotent), and
the tests prove each query shape is served by one of them under MongoDB's prefix
rule (:func:`served`) and that the code sends no shape that is not declared
(shared.store.queryshapes). :func:`registry` is every service's declarations.

Queries with equality on ``_id`` are served by the ``_id`` index and need no entry.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field

from pymongo import IndexModel


@dataclass(frozen=True)
class Query:
    """The shape of a query: the fields it compares by equality (or ``$in``), by range, and its sort.

    ``scan`` names why an operator command may read the whole collection on purpose
    (a rebuild or a verification reads every document anyway); requests never do.
    """
    collection: str
    equal: frozenset[str] = frozenset()
    range: frozenset[str] = frozenset()
    sort: tuple[tuple[str, int], ...] = ()
    scan: str | None = None

    @classmethod
    def of(cls, collection: str, equal=(), range=(), sort=(), scan: str | None = None) -> "Query":
        """A shape from plain sequences; `sort` items are a field name (ascending) or (field, direction)."""
        keys = tuple((key, 1) if isinstance(key, str) else (key[0], key[1]) for key in sort)
        return cls(collection, frozenset(equal), frozenset(range), keys, scan)

    @property
    def by_id(self) -> bool:
        return "_id" in self.equal

    def describe(self) -> str:
        """The shape in one line (names only), e.g. `commits equal=['stream_id'] sort=[('first_version', 1)]`."""
        parts = [f"equal={sorted(self.equal)}" * bool(self.equal), f"range={sorted(self.range)}" * bool(self.range),
                 f"sort={list(self.sort)}" * bool(self.sort)]
        return f"{self.collection} {' '.join(part for part in parts if part) or '(everything)'}"


@dataclass(frozen=True)
class Indexes:
    """Declared indexes (collection -> IndexModels) and the query shapes they are for."""
    models: dict[str, tuple[IndexModel, ...]] = field(default_factory=dict)
    queries: tuple[Query, ...] = ()

    def __add__(self, other: "Indexes") -> "Indexes":
        models = {name: tuple(group) for name, group in self.models.items()}
        for name, group in other.models.items():
            models[name] = models.get(name, ()) + tuple(group)
        return Indexes(models, self.queries + other.queries)

    def keys_of(self, collection: str) -> list[list[tuple[str, int]]]:
        """The key lists of the collection's declared indexes."""
        return [list(model.document["key"].items()) for model in self.models.get(collection, ())]

    def serving(self, query: Query) -> list[tuple[str, int]] | None:
        """The keys of a declared index that serves the query (the `_id` index for `_id` equality), or None."""
        if query.by_id:
            return [("_id", 1)]
        return next((keys for keys in self.keys_of(query.collection) if served(query, keys)), None)

    def only(self, collections) -> "Indexes":
        """The declarations of some collections (e.g. a projection's)."""
        wanted = set(collections)
        return Indexes({name: group for name, group in self.models.items() if name in wanted},
                       tuple(query for query in self.queries if query.collection in wanted))


def declare(models: dict[str, list[IndexModel]] | None = None, queries=()) -> Indexes:
    """A store module's declarations: its collections' IndexModels and the shapes of the queries it sends."""
    return Indexes({name: tuple(group) for name, group in (models or {}).items()}, tuple(queries))


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


def ensure(db, declared: Indexes, names: dict[str, str] | None = None) -> None:
    """Create the declared indexes (a no-op for those that exist); `names` maps logical to physical collections."""
    for collection, models in declared.models.items():
        if models:
            db[(names or {}).get(collection, collection)].create_indexes(list(models))


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
