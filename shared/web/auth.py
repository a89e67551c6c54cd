"""Bearer-token auth: JWTs from an OIDC identity provider (RS256, ES256), or HS256 ones for development.

The clinic (tenant) always comes from the token, never from the body or the path.
Missing or invalid token (also one whose exp, nbf or iat is not a number): 401. A role without the right:
403. The provider's keys out of reach: 503. Every authenticated request counts against its subject's rate
limit (shared/web/ratelimit.py): 429 beyond it.

Decision: one kind of token per process. With JWT_JWKS_URL set, only the provider's tokens count: the key
named by the token's `kid` comes from its JWKS (cached JWT_JWKS_LIFESPAN_SECONDS; an unknown `kid` refetches
the set, at most once per JWT_JWKS_REFETCH_SECONDS, which is how a rotated key arrives), and the issuer and
audience must match. Without it, tokens are HS256 signed with JWT_SECRET, which ENVIRONMENT=production refuses
at start-up. PyJWT itself checks `sub`, `exp`, `nbf`, `iat`, `iss` and `aud`, with JWT_LEEWAY_SECONDS of clock
skew allowed; it rejects a time that is not a number, except a string of digits or a boolean, refused here
(require_numeric_dates).
"""
from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from typing import Any, Callable, NoReturn, TypeVar, cast

import jwt
from flask import current_app, g, request
from webargs.flaskparser import abort  # what flask_smorest.abort is, with its types

from shared.runtime.config import Settings
from shared.web.ratelimit import limit_rate

ROLES = ("clinician", "clinic_admin", "partner")
STAFF = ("clinician", "clinic_admin")
PROVIDER_ALGORITHMS = ("RS256", "ES256")
TIME_CLAIMS = ("exp", "nbf", "iat")
BEARER: dict[str, list[str]] = {"bearerAuth": []}
SECURITY_SCHEME = {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
JWKS_TIMEOUT_SECONDS = 5
RETRY_AFTER_SECONDS = "5"
View = TypeVar("View", bound=Callable[..., Any])


@dataclass(frozen=True)
class Principal:
    subject: str
    clinic_id: str
    role: str


def mint_token(secret: str, sub: str, clinic_id: str, role: str, ttl_seconds: int = 3600) -> str:
    """A signed HS256 token (for local use, tests and the `make token` helper)."""
    now = int(time.time())
    return jwt.encode({"sub": sub, "clinic_id": clinic_id, "role": role, "iat": now, "exp": now + ttl_seconds},
                      secret, algorithm="HS256")


class Tokens:
    """Reads the principal from a bearer token, or raises jwt.PyJWTError; built once per process from settings."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._provider_keys = provider_keys(settings)

    def principal(self, token: str) -> Principal:
        claims = self._verified_claims(token)
        require_numeric_dates(claims)
        clinic = claim(claims, self._settings.jwt_clinic_claim)
        role = platform_role(claim(claims, self._settings.jwt_role_claim))
        if not isinstance(clinic, str) or not clinic or role is None:
            raise jwt.InvalidTokenError("a clinic and a known role are required")
        return Principal(claims["sub"], clinic, role)

    def _verified_claims(self, token: str) -> dict[str, Any]:
        settings = self._settings
        if self._provider_keys is None:
            return jwt.decode(token, settings.jwt_secret, algorithms=["HS256"], leeway=settings.jwt_leeway_seconds,
                              options={"require": ["sub", "exp"]})
        if jwt.get_unverified_header(token).get("alg") not in PROVIDER_ALGORITHMS:
            raise jwt.InvalidAlgorithmError("only the identity provider's algorithms are accepted")  # no key fetch
        return jwt.decode(token, self._provider_keys.get_signing_key_from_jwt(token), algorithms=PROVIDER_ALGORITHMS,
                          issuer=settings.jwt_issuer, audience=settings.jwt_audience,
                          leeway=settings.jwt_leeway_seconds, options={"require": ["sub", "exp", "iss", "aud"]})


def provider_keys(settings: Settings) -> jwt.PyJWKClient | None:
    """The identity provider's key set, or None when HS256 development tokens are used (never in production)."""
    if not settings.jwt_jwks_url:
        if settings.production:
            raise ValueError("ENVIRONMENT=production refuses HS256 tokens: set JWT_JWKS_URL, JWT_ISSUER and "
                             "JWT_AUDIENCE of the identity provider")
        return None
    if not settings.jwt_issuer or not settings.jwt_audience:
        raise ValueError("JWT_JWKS_URL needs JWT_ISSUER and JWT_AUDIENCE")
    return jwt.PyJWKClient(settings.jwt_jwks_url, lifespan=settings.jwt_jwks_lifespan_seconds,
                           cooldown_duration=settings.jwt_jwks_refetch_seconds, timeout=JWKS_TIMEOUT_SECONDS)


def claim(claims: dict[str, Any], path: str) -> Any:
    """The claim at a dotted path (`realm_access.roles`), or None."""
    value: Any = claims
    for name in path.split("."):
        value = value.get(name) if isinstance(value, dict) else None
    return value


def platform_role(value: Any) -> str | None:
    """The role a claim names: a string, or a list holding exactly one of the platform's roles."""
    if isinstance(value, list):
        known = [role for role in ROLES if role in value]
        return known[0] if len(known) == 1 else None
    return value if value in ROLES else None


def require_numeric_dates(claims: dict) -> None:
    """`exp`, `nbf` and `iat` are JSON numbers (RFC 7519 NumericDate); PyJWT also takes "123" and true."""
    for name in TIME_CLAIMS:
        value = claims.get(name, 0)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise jwt.InvalidTokenError(f"claim {name} must be a number")


def _unauthorized(message: str) -> NoReturn:
    abort(401, message=message, headers={"WWW-Authenticate": 'Bearer realm="therapy-goals"'})


def authenticate() -> Principal:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        _unauthorized("A bearer token is required")
    try:
        return current_app.extensions["tokens"].principal(token.strip())
    except jwt.PyJWKClientConnectionError:
        abort(503, message="The identity provider's keys cannot be fetched",
              headers={"Retry-After": RETRY_AFTER_SECONDS})
    except jwt.PyJWTError:
        _unauthorized("The bearer token is invalid or expired")


def requires(*roles: str) -> Callable[[View], View]:
    """View decorator: authenticate, check the role, and set `g.principal`."""
    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            principal = authenticate()
            limit_rate(principal.clinic_id, principal.subject)
            if principal.role not in roles:
                abort(403, message=f"Role {principal.role!r} may not do this")
            g.principal = principal
            return view(*args, **kwargs)
        return cast(View, wrapper)
    return decorate


def principal() -> Principal:
    return g.principal
