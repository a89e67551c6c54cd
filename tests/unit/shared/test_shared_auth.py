"""Bearer tokens at the edge of every API: an identity provider's (its JWKS over real HTTP, rotating keys), or HS256.

The app is the platform's own (create_service_app) with two views behind `requires`; the provider is the
test's (tests/identity_provider.py), so the JWKS cache, its refetch on an unknown `kid` and its lifespan are
the real PyJWKClient's.
"""
import time

import jwt
import pytest

from shared.runtime.config import Settings
from shared.web.app import create_service_app
from shared.web.auth import ROLES, STAFF, Tokens, mint_token, principal, requires
from tests.identity_provider import AUDIENCE, IdentityProvider

ALGORITHMS = ["RS256", "ES256"]


@pytest.fixture
def provider(identity_provider):
    return identity_provider


def provider_settings(provider: IdentityProvider, **changes) -> Settings:
    return Settings(**{"service": "auth-tests", "jwt_jwks_url": provider.jwks_url, "jwt_issuer": provider.issuer,
                       "jwt_audience": AUDIENCE, **changes})


def client_for(settings: Settings):
    app, _ = create_service_app(settings, "auth tests", "two views behind the auth check")

    @app.get("/staff-only")
    @requires(*STAFF)
    def staff_only():
        return {"subject": principal().subject, "clinic_id": principal().clinic_id, "role": principal().role}

    @app.get("/anyone")
    @requires(*ROLES)
    def anyone():
        return {"role": principal().role}

    return app.test_client()


def call(client, token: str, path: str = "/staff-only"):
    return client.get(path, headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_a_providers_token_names_the_subject_clinic_and_role(provider, alg):
    kid = provider.add_key(alg)
    client = client_for(provider_settings(provider))

    response = call(client, provider.sign(kid, sub="dr-lee", clinic_id="clinic-7", role="clinic_admin"))

    assert response.status_code == 200
    assert response.json == {"subject": "dr-lee", "clinic_id": "clinic-7", "role": "clinic_admin"}


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_after_a_rotation_the_new_key_is_accepted_and_the_removed_one_refused_once_the_keys_expire(provider, alg):
    old = provider.add_key(alg)
    client = client_for(provider_settings(provider, jwt_jwks_lifespan_seconds=1.0, jwt_jwks_refetch_seconds=0.2))
    old_token = provider.sign(old)
    assert call(client, old_token).status_code == 200

    new = provider.add_key(alg)
    time.sleep(0.3)  # past the refetch interval
    assert call(client, provider.sign(new)).status_code == 200  # its unknown kid refetched the keys
    provider.remove_key(old)
    assert call(client, old_token).status_code == 200  # the cached keys still hold it
    time.sleep(1.1)  # past the keys' lifespan

    response = call(client, old_token)

    assert response.status_code == 401 and response.is_json and response.json["code"] == 401
    assert call(client, provider.sign(new)).status_code == 200
    assert provider.fetches == 3


def test_unknown_kids_refetch_the_keys_at_most_once_per_interval(provider):
    known = provider.add_key("ES256")
    client = client_for(provider_settings(provider))  # JWT_JWKS_REFETCH_SECONDS: 30 by default
    assert call(client, provider.sign(known)).status_code == 200

    stranger = provider.add_key("ES256")
    answers = [call(client, provider.sign(stranger)).status_code for _ in range(5)]

    assert answers == [401] * 5 and provider.fetches == 1


def unpublished_key_token(provider: IdentityProvider, kid: str) -> str:
    stranger = IdentityProvider()
    try:
        return stranger.sign(stranger.add_key("RS256"), iss=provider.issuer)
    finally:
        stranger.close()


BAD_TOKENS = {
    "garbage": lambda provider, kid: "not-a-jwt",
    "alg-none": lambda provider, kid: jwt.encode(provider.claims(), None, algorithm="none", headers={"kid": kid}),
    "hs256-with-the-providers-claims": lambda provider, kid: jwt.encode(
        provider.claims(), "s" * 32, algorithm="HS256", headers={"kid": kid}),
    "expired": lambda provider, kid: provider.sign(kid, exp=int(time.time()) - 60),
    "not-yet-valid": lambda provider, kid: provider.sign(kid, nbf=int(time.time()) + 60),
    "issued-in-the-future": lambda provider, kid: provider.sign(kid, iat=int(time.time()) + 60),
    "wrong-issuer": lambda provider, kid: provider.sign(kid, iss="https://elsewhere.example"),
    "wrong-audience": lambda provider, kid: provider.sign(kid, aud="another-api"),
    "no-audience": lambda provider, kid: provider.sign(kid, aud=None),
    "no-expiry": lambda provider, kid: provider.sign(kid, exp=None),
    "exp-a-word": lambda provider, kid: provider.sign(kid, exp="tomorrow"),
    "exp-a-string-of-digits": lambda provider, kid: provider.sign(kid, exp=str(int(time.time()) + 300)),
    "nbf-a-string-of-digits": lambda provider, kid: provider.sign(kid, nbf=str(int(time.time()))),
    "exp-a-boolean": lambda provider, kid: provider.sign(kid, exp=True),
    "no-subject": lambda provider, kid: provider.sign(kid, sub=None),
    "no-clinic": lambda provider, kid: provider.sign(kid, clinic_id=None),
    "empty-clinic": lambda provider, kid: provider.sign(kid, clinic_id=""),
    "unknown-role": lambda provider, kid: provider.sign(kid, role="client"),
    "unpublished-key": unpublished_key_token,
    "no-kid": lambda provider, kid: jwt.encode(provider.claims(), provider.private_keys[kid][1], algorithm="ES256"),
    "tampered": lambda provider, kid: provider.sign(kid)[:-4] + "AAAA",
}


@pytest.mark.parametrize("make_token", BAD_TOKENS.values(), ids=BAD_TOKENS.keys())
def test_a_bad_token_is_unauthorized_with_a_json_answer(provider, make_token):
    kid = provider.add_key("ES256")
    client = client_for(provider_settings(provider))

    response = call(client, make_token(provider, kid))

    assert response.status_code == 401 and response.is_json and response.json["code"] == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("changes", [{"exp": -10}, {"nbf": 10}, {"iat": 10}], ids=["exp", "nbf", "iat"])
def test_a_clock_skew_within_the_leeway_is_tolerated(provider, changes):
    kid = provider.add_key("RS256")
    client = client_for(provider_settings(provider))  # JWT_LEEWAY_SECONDS: 30 by default
    token = provider.sign(kid, **{claim: int(time.time()) + offset for claim, offset in changes.items()})

    assert call(client, token).status_code == 200


def test_a_role_without_the_right_is_forbidden_with_a_json_answer(provider):
    kid = provider.add_key("ES256")
    client = client_for(provider_settings(provider))
    token = provider.sign(kid, role="partner")

    assert call(client, token, "/anyone").status_code == 200
    response = call(client, token)
    assert response.status_code == 403 and response.is_json and response.json["code"] == 403


def test_the_clinic_and_role_may_come_from_nested_claims(provider):
    kid = provider.add_key("RS256")
    client = client_for(provider_settings(provider, jwt_clinic_claim="tenant.clinic",
                                          jwt_role_claim="realm_access.roles"))
    token = provider.sign(kid, clinic_id=None, role=None, tenant={"clinic": "clinic-9"},
                          realm_access={"roles": ["offline_access", "clinic_admin"]})
    ambiguous = provider.sign(kid, tenant={"clinic": "clinic-9"},
                              realm_access={"roles": ["clinician", "clinic_admin"]})

    assert call(client, token).json == {"subject": "dr-lee", "clinic_id": "clinic-9", "role": "clinic_admin"}
    assert call(client, ambiguous).status_code == 401


def test_a_provider_out_of_reach_answers_503_with_retry_after(provider):
    kid = provider.add_key("ES256")
    provider.available = False
    client = client_for(provider_settings(provider))

    response = call(client, provider.sign(kid))

    assert response.status_code == 503 and response.is_json and response.headers["Retry-After"]


def test_development_accepts_hs256_tokens_signed_with_the_secret():
    settings = Settings(service="auth-tests", jwt_secret="d" * 40)
    client = client_for(settings)

    assert call(client, mint_token(settings.jwt_secret, "dr-lee", "clinic-1", "clinician")).status_code == 200
    assert call(client, mint_token("e" * 40, "dr-lee", "clinic-1", "clinician")).status_code == 401


def test_a_provider_refuses_hs256_tokens_signed_with_the_secret(provider):
    provider.add_key("RS256")
    settings = provider_settings(provider)

    response = call(client_for(settings), mint_token(settings.jwt_secret, "dr-lee", "clinic-1", "clinician"))

    assert response.status_code == 401 and provider.fetches == 0


def test_production_refuses_to_start_with_hs256_tokens():
    with pytest.raises(ValueError, match="JWT_JWKS_URL"):
        create_service_app(Settings(service="auth-tests", environment="production"), "auth tests", "")


def test_production_starts_with_an_identity_provider(provider):
    Tokens(provider_settings(provider, environment="production"))


def test_an_identity_provider_needs_an_issuer_and_an_audience(provider):
    with pytest.raises(ValueError, match="JWT_ISSUER and JWT_AUDIENCE"):
        Tokens(provider_settings(provider, jwt_audience=""))


def test_an_unknown_environment_is_refused():
    with pytest.raises(ValueError, match="ENVIRONMENT"):
        Settings(service="auth-tests", environment="prod")
