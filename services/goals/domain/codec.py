"""Turn frozen dataclasses into JSON-ready dicts and back, driven by type hints.

Dates and datetimes travel as ISO 8601 strings; tuples as lists. Decoding
accepts only timezone-aware datetimes and returns them in UTC. Fields missing
from the data take the dataclass default (how older versions read as null);
fields the class does not know are refused.
"""

import types
import typing
from dataclasses import MISSING, asdict, fields, is_dataclass
from datetime import date, datetime, timezone


def to_data(obj) -> dict:
    return _encode(asdict(obj))


def from_data(cls, data: dict):
    known = {field.name for field in fields(cls)}
    unexpected = sorted(set(data) - known)
    if unexpected:
        raise ValueError(f"{cls.__name__} has no fields {unexpected}")
    hints = typing.get_type_hints(cls)
    values = {name: _decode(hints[name], data[name]) for name in known & set(data)}
    missing = [f.name for f in fields(cls) if f.name not in values and _required(f)]
    if missing:
        raise ValueError(f"{cls.__name__} data lacks {missing}")
    return cls(**values)


def _required(field) -> bool:
    return field.default is MISSING and field.default_factory is MISSING


def _encode(value):
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
    concrete = [arg for arg in typing.get_args(hint) if arg is not type(None)]
    return _decode(concrete[0], value) if len(concrete) == 1 else value


def _parse_datetime(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.utcoffset() is None:
        raise ValueError(f"datetime without a time zone: {text!r}")
    return moment.astimezone(timezone.utc)
