"""Bearer-token auth: HS256 JWTs with claims `sub`, `clinic_id` and `role`.

The clinic (tenant) always comes from the token, never from the body or the path.
Missing or invalid token (also one whose exp, nbf or iat is not a number): 401. A role
without the right: 403. Every authenticated request counts against its subject's rate
limit (shared/web/ratelimit.py): 429 beyond it.
"""
from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from typing import Any, Callable, NoReturn, TypeVar, cast

import jwt
from flask import current_app, g, request
from webargs.flaskparser import abort  # what flask_smorest.abort is, with its types

from shared.web.ratelimit import limit_rate

ROLES = ("clinician", "clinic_admin", "partner")
STAFF = ("clinician", "clinic_admin")
BEARER: dict[str, list[str]] = {"bearerAuth": []}
SECURITY_SCHEME = {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
View = TypeVar("View", bound=Callable[..., Any])


@dataclass(frozen=True)
class Principal:
    subject: str
    clinic_id: str
    role: str


def mint_token(secret: str, sub: str, clinic_id: str, role: str, ttl_seconds: int = 3600) -> str:
    """A signed token (for local use, tests and the `make token` helper)."""
    now = int(time.time())
    return jwt.encode({"sub": sub, "clinic_id": clinic_id, "role": role, "iat": now, "exp": now + ttl_seconds},
                      secret, algorithm="HS256")


def decode_token(secret: str, token: str) -> Principal:
    claims = jwt.decode(token, secret, algorithms=["HS256"], options={"require": ["sub", "exp"]})
    require_numeric_dates(claims)
    clinic, role = claims.get("clinic_id"), claims.get("role")
    if not isinstance(clinic, str) or not clinic or role not in ROLES or not isinstance(claims["sub"], str):
        raise jwt.InvalidTokenError("claims sub, clinic_id and role are required")
    return Principal(claims["sub"], clinic, role)


def require_numeric_dates(claims: dict) -> None:
    """`exp`, `nbf` and `iat` are JSON numbers (RFC 7519 NumericDate); PyJWT also takes "123" and true."""
    for name in ("exp", "nbf", "iat"):
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
        return decode_token(current_app.config["JWT_SECRET"], token.strip())
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
