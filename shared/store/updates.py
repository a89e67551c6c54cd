"""Combining two MongoDB update documents into one that has the same effect (pure).

``combine(first, then)`` is the update that applying ``first`` and then ``then``
to a document amounts to, or None when one update cannot say it:

- ``$set``: the later value wins; ``$inc``: the sum; ``$min``/``$max``: the
  smaller/larger value (when comparable); ``$push``/``$addToSet``: one ``$each``
  with both lists in order;
- a path written by two different operators, a path inside another written path
  (``a`` and ``a.b``), modifiers other than ``$each``, or any other operator
  (``$unset``, ``$pull``...) is not combined.
"""
from __future__ import annotations

from typing import Any

ARRAY_OPERATORS = ("$push", "$addToSet")
OPERATORS = ("$set", "$inc", "$min", "$max") + ARRAY_OPERATORS


class _NotCombinable(Exception):
    pass


def combine(first: dict, then: dict) -> dict | None:
    """One update with the effect of `first` then `then`, or None."""
    if not set(first) | set(then) <= set(OPERATORS):
        return None
    try:
        _check_paths(first, then)
        return {op: _combine_operator(op, first.get(op, {}), then.get(op, {})) for op in OPERATORS
                if op in first or op in then}
    except _NotCombinable:
        return None


def _check_paths(first: dict, then: dict) -> None:
    """Refuse a path written by two operators, or one inside another (linear in the paths: by their ancestors)."""
    written = {path: op for op, fields in first.items() for path in fields}
    inside = {ancestor for path in written for ancestor in _ancestors(path)}
    for op, fields in then.items():
        for path in fields:
            if written.get(path, op) != op or path in inside or any(a in written for a in _ancestors(path)):
                raise _NotCombinable


def _ancestors(path: str) -> list[str]:
    """'a.b.c' -> ['a', 'a.b']."""
    parts = path.split(".")
    return [".".join(parts[:n]) for n in range(1, len(parts))]


def _combine_operator(op: str, first: dict, then: dict) -> dict:
    combined = dict(first)
    for path, value in then.items():
        combined[path] = _combine_value(op, first[path], value) if path in first else value
    return combined


def _combine_value(op: str, old: Any, new: Any) -> Any:
    try:
        if op == "$set":
            return new
        if op == "$inc":
            return old + new
        if op == "$min":
            return new if new < old else old
        if op == "$max":
            return new if new > old else old
    except TypeError:
        raise _NotCombinable from None
    return {"$each": _items(old) + _items(new)}


def _items(value: Any) -> list:
    if isinstance(value, dict) and "$each" in value:
        if set(value) != {"$each"}:
            raise _NotCombinable  # $sort, $slice, $position: order-dependent
        return list(value["$each"])
    return [value]
