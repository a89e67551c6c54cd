"""A tiny OIDC identity provider for tests: its JWKS over real HTTP on a free port, keys that rotate.

Keys are made with `cryptography` (RSA for RS256, P-256 for ES256); `sign` issues a token with the
provider's issuer and audience; `fetches` counts the JWKS requests, so tests can see the cache at work.
"""
from __future__ import annotations

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

AUDIENCE = "therapy-goals-api"


class IdentityProvider:
    def __init__(self) -> None:
        self.private_keys: dict[str, tuple[str, object]] = {}  # kid -> (alg, private key)
        self.fetches = 0
        self.available = True
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path != "/jwks" or not provider.available:
                    self.send_error(404 if provider.available else 503)
                    return
                provider.fetches += 1
                body = json.dumps(provider.jwks()).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self._server.server_port}"
        self.jwks_url = self.issuer + "/jwks"
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def add_key(self, alg: str) -> str:
        """A new signing key (the provider's rotation); returns its `kid`."""
        kid = f"{alg.lower()}-{uuid.uuid4().hex[:8]}"
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048) if alg == "RS256" \
            else ec.generate_private_key(ec.SECP256R1())
        self.private_keys[kid] = (alg, key)
        return kid

    def remove_key(self, kid: str) -> None:
        del self.private_keys[kid]

    def jwks(self) -> dict:
        keys = []
        for kid, (alg, key) in self.private_keys.items():
            codec = RSAAlgorithm if alg == "RS256" else ECAlgorithm
            keys.append({**codec.to_jwk(key.public_key(), as_dict=True), "kid": kid, "alg": alg, "use": "sig"})
        return {"keys": keys}

    def claims(self, **changes) -> dict:
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": AUDIENCE, "sub": "dr-lee", "clinic_id": "clinic-1",
                  "role": "clinician", "iat": now, "exp": now + 300, **changes}
        return {name: value for name, value in claims.items() if value is not None}

    def sign(self, kid: str, **changes) -> str:
        """A token signed with the key `kid`; `changes` replace claims (None removes one)."""
        alg, key = self.private_keys[kid]
        return jwt.encode(self.claims(**changes), key, algorithm=alg, headers={"kid": kid})
