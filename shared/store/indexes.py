"""Indexes and the queries they serve, declared next to the store code that issues the queries.

Each store module exposes an :class:`Indexes` value: the ``IndexModel`` s of its
collections and the shape of every query it sends (:class:`Query`). A service
gathers its modules' values in ``services/<service>/indexes.py`` (``DECLARED``);
its start-up code creates exactly those indexes (:func:`ensure`, idempotent), and
the tests prove each query shape is served by one of them under MongoDB's prefix
rule and that the code sends no shape that is not declared (tests/index_check.py,
with the shapes recorded by shared.store.queryshapes).

Queries with equality on ``_id`` are served by the ``_id`` index and need no entry.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from pymongo import IndexModel
from pymongo.database import Database


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
    def of(cls, collection: str, equal: Iterable[str] = (), range: Iterable[str] = (),
           sort: Iterable[str | tuple[str, int]] = (), scan: str | None = None) -> "Query":
        """A shape from plain sequences; `sort` items are a field name (ascending) or (field, direction)."""
        keys = tuple((key, 1) if isinstance(key, str) else (key[0], key[1]) for key in sort)
        return cls(collection, frozenset(equal), frozenset(range), keys, scan)


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

    def only(self, collections: Iterable[str]) -> "Indexes":
        """The declarations of some collections (e.g. a projection's)."""
        wanted = set(collections)
        return Indexes({name: group for name, group in self.models.items() if name in wanted},
                       tuple(query for query in self.queries if query.collection in wanted))


def declare(models: dict[str, list[IndexModel]] | None = None, queries: Iterable[Query] = ()) -> Indexes:
    """A store module's declarations: its collections' IndexModels and the shapes of the queries it sends."""
    return Indexes({name: tuple(group) for name, group in (models or {}).items()}, tuple(queries))


def ensure(db: Database, declared: Indexes, names: dict[str, str] | None = None) -> None:
    """Create the declared indexes (a no-op for those that exist); `names` maps logical to physical collections."""
    for collection, models in declared.models.items():
        if models:
            db[(names or {}).get(collection, collection)].create_indexes(list(models))
