"""Event data dataclasses (shared.contract.events) to JSON-ready dicts and back, driven by type hints (pure).

Dates and datetimes travel as ISO 8601 strings; tuples as lists; nested dataclasses
as objects. A field whose value is ``ABSENT`` is left out of the data, and a field
the data leaves out takes its dataclass default (only ``ABSENT``-default fields have
one in the contract); fields the class does not know are refused (ValueError).
Decoding accepts only timezone-aware datetimes and returns them in UTC.
"""
from __future__ import annotations

import functools
import types
import typing
from dataclasses import MISSING, fields, is_dataclass
from datetime import date, datetime, timezone

from shared.contract.events import ABSENT, Absent


def to_data(obj) -> dict:
    """The dataclass instance as a JSON-ready dict."""
    return {f.name: _encode(value) for f in fields(obj) if (value := getattr(obj, f.name)) is not ABSENT}


def from_data(cls, data: dict):
    """The instance of dataclass `cls` whose JSON-ready data is given."""
    hints = _hints(cls)
    unexpected = sorted(set(data) - set(hints))
    if unexpected:
        raise ValueError(f"{cls.__name__} has no fields {unexpected}")
    missing = [f.name for f in fields(cls) if f.name not in data and _required(f)]
    if missing:
        raise ValueError(f"{cls.__name__} data lacks {missing}")
    return cls(**{name: _decode(hints[name], value) for name, value in data.items()})


@functools.cache
def _hints(cls) -> dict:
    return typing.get_type_hints(cls)


def _required(field) -> bool:
    return field.default is MISSING and field.default_factory is MISSING


def _encode(value):
    if is_dataclass(value):
        return to_data(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _encode(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encode(item) for item in value]
    return value


def _decode(hint, value):
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return _decode_optional(hint, value)
    if origin is tuple:
        return tuple(_decode(typing.get_args(hint)[0], item) for item in value)
    if origin is dict:
        return dict(value)
    if hint is datetime:
        return _parse_datetime(value)
    if hint is date:
        return date.fromisoformat(value)
    if is_dataclass(hint):
        return from_data(hint, value)
    return value


def _decode_optional(hint, value):
    concrete = [arg for arg in typing.get_args(hint) if arg not in (type(None), Absent)]
    return _decode(concrete[0], value) if len(concrete) == 1 else value


def _parse_datetime(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.utcoffset() is None:
        raise ValueError(f"datetime without a time zone: {text!r}")
    return moment.astimezone(timezone.utc)
