"""MongoDB connection helpers."""
from __future__ import annotations

import os
from urllib.parse import quote

from pymongo import MongoClient
from pymongo.database import Database

from shared.store import queryshapes
from shared.runtime.config import Settings

TIMEOUT_MS = 5000


def connect(settings: Settings) -> MongoClient:
    """A client that does not connect until first used (nothing connects at import).

    An unreachable store fails within TIMEOUT_MS (server selection and connect), so
    callers see an error they retry or answer 503 for; commands themselves have no
    client-side time limit (MongoDB's default), since rebuilds and verifications run long.
    """
    if os.environ.get(queryshapes.ENV):  # the tests' index check records the queries' shapes
        queryshapes.install()
    return MongoClient(settings.mongodb_uri, serverSelectionTimeoutMS=TIMEOUT_MS, connectTimeoutMS=TIMEOUT_MS,
                       retryWrites=False, tz_aware=True, connect=False)


def database(settings: Settings, client: MongoClient | None = None) -> Database:
    return (client or connect(settings))[settings.database_name]


def compound_id(*parts: str) -> str:
    """A document id of several parts, `clinic-1:client-7`; a ':' inside a part is percent-encoded,
    so two tenants' ids never run together."""
    return ":".join(quote(part, safe="") for part in parts)
