"""A tiny OIDC identity provider for tests, over real HTTP on a free port: JWKS, discovery, authorize, token.

Keys are made with `cryptography` (RSA for RS256, P-256 for ES256) and rotate (`add_key`, `remove_key`);
`sign` issues a token with the provider's issuer and audience; `fetches` counts the JWKS requests, so
tests can see the cache at work. /authorize signs the user in at once and /token checks the PKCE verifier.
"""
from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

AUDIENCE = "therapy-goals-api"


class IdentityProvider:
    def __init__(self) -> None:
        self.private_keys: dict[str, tuple[str, object]] = {}  # kid -> (alg, private key)
        self.fetches = 0
        self.available = True
        self.pending_codes: dict[str, dict] = {}  # authorization code -> the /authorize query it answers
        self.signed_in_claims: dict = {}  # the claims of the tokens /token issues
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlsplit(self.path)
                if not provider.available:
                    self.send_error(503)
                elif url.path == "/jwks":
                    provider.fetches += 1
                    self.answer(200, provider.jwks())
                elif url.path == "/.well-known/openid-configuration":
                    self.answer(200, provider.discovery())
                elif url.path == "/authorize":
                    self.send_response(302)
                    self.send_header("Location", provider.authorize(dict(parse_qsl(url.query))))
                    self.end_headers()
                else:
                    self.send_error(404)

            def do_POST(self) -> None:
                form = dict(parse_qsl(self.rfile.read(int(self.headers["Content-Length"])).decode()))
                token = provider.exchange(form) if self.path == "/token" else None
                if token:
                    self.answer(200, {"access_token": token, "token_type": "Bearer", "expires_in": 300})
                else:
                    self.answer(400, {"error": "invalid_grant"})

            def answer(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Access-Control-Allow-Origin", "*")  # the dashboard reads it from its own origin
                self.end_headers()
                self.wfile.write(data)

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

    def discovery(self) -> dict:
        return {"issuer": self.issuer, "jwks_uri": self.jwks_url, "authorization_endpoint": self.issuer + "/authorize",
                "token_endpoint": self.issuer + "/token", "response_types_supported": ["code"],
                "code_challenge_methods_supported": ["S256"]}

    def authorize(self, query: dict) -> str:
        """Signs the user in at once: where the browser goes back to, with a code bound to the PKCE challenge."""
        code = uuid.uuid4().hex
        self.pending_codes[code] = query
        return query["redirect_uri"] + "?" + urlencode({"code": code, "state": query["state"]})

    def exchange(self, form: dict) -> str | None:
        """An access token for a code and the verifier of its challenge (RFC 7636, S256), or None."""
        query = self.pending_codes.pop(form.get("code", ""), None)
        if query is None or form.get("grant_type") != "authorization_code" or query["code_challenge_method"] != "S256":
            return None
        digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != query["code_challenge"] \
                or (form.get("client_id"), form.get("redirect_uri")) != (query["client_id"], query["redirect_uri"]):
            return None
        return self.sign(list(self.private_keys)[-1], **self.signed_in_claims)

    def claims(self, **changes) -> dict:
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": AUDIENCE, "sub": "dr-lee", "clinic_id": "clinic-1",
                  "role": "clinician", "iat": now, "exp": now + 300, **changes}
        return {name: value for name, value in claims.items() if value is not None}

    def sign(self, kid: str, **changes) -> str:
        """A token signed with the key `kid`; `changes` replace claims (None removes one)."""
        alg, key = self.private_keys[kid]
        return jwt.encode(self.claims(**changes), key, algorithm=alg, headers={"kid": kid})
