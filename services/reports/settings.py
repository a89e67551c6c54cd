"""The reports service's settings: the platform's (shared.runtime.config.Settings) and its own, from the environment.

app.py, worker.py and rebuild.py build these.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from shared.runtime.config import Settings, env


@dataclass(frozen=True)
class ReportsSettings(Settings):
    service: str = "reports"
    # the dashboard's client at the identity provider (JWT_ISSUER): with JWT_JWKS_URL, people sign in there
    oidc_client_id: str = field(default_factory=lambda: env("OIDC_CLIENT_ID", ""))
    oidc_scope: str = field(default_factory=lambda: env("OIDC_SCOPE", "openid"))

