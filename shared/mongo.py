"""MongoDB/FerretDB connection helpers (the code stays within what both support)."""
from __future__ import annotations

from urllib.parse import quote

from pymongo import MongoClient
from pymongo.database import Database

from shared.config import Settings


def connect(settings: Settings, timeout_ms: int = 5000) -> MongoClient:
    """A client that does not connect until first used (nothing connects at import).

    A socket timeout turns a stuck command (FerretDB can stall on large update
    commands) into a NetworkTimeout that the callers retry, never a silent hang.
    """
    return MongoClient(settings.mongodb_uri, serverSelectionTimeoutMS=timeout_ms, socketTimeoutMS=60_000,
                       retryWrites=False, tz_aware=True, connect=False)


def database(settings: Settings, client: MongoClient | None = None) -> Database:
    return (client or connect(settings))[settings.database_name]


def compound_id(*parts: str) -> str:
    """A document id of several parts, `clinic-1:client-7`; a ':' inside a part is percent-encoded,
    so two tenants' ids never run together."""
    return ":".join(quote(part, safe="") for part in parts)
