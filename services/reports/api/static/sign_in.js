// Sign-in through the identity provider: OAuth 2.0 authorization code with PKCE (RFC 7636), in the browser.
// The page names the provider (issuer, client id, scope); its endpoints come from its discovery document.
// The dashboard is a public client: no secret anywhere. The verifier and state live in sessionStorage only
// until the provider sends the browser back with the code; the code leaves the address bar at once.
"use strict";

window.SignIn = (function () {
  const PENDING_KEY = "reports-dashboard-sign-in";

  function base64url(bytes) {
    return btoa(String.fromCharCode(...new Uint8Array(bytes)))
      .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function randomString() { return base64url(crypto.getRandomValues(new Uint8Array(32))); }

  function redirectUri() { return location.origin + location.pathname; }

  async function discovery(config) {
    const response = await fetch(config.issuer.replace(/\/$/, "") + "/.well-known/openid-configuration",
                                 { headers: { "Accept": "application/json" } });
    if (!response.ok) throw new Error("the identity provider's discovery document answered HTTP " + response.status);
    const provider = await response.json();
    if (provider.issuer !== config.issuer) throw new Error("the discovery document names another issuer");
    return provider;
  }

  // Off to the provider's sign-in page; it sends the browser back to this page with a code.
  async function start(config) {
    const provider = await discovery(config);
    const verifier = randomString();
    const state = randomString();
    const challenge = base64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
    sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state }));
    const url = new URL(provider.authorization_endpoint);
    url.search = new URLSearchParams({
      response_type: "code", client_id: config.client_id, redirect_uri: redirectUri(), scope: config.scope,
      state, code_challenge: challenge, code_challenge_method: "S256" }).toString();
    location.assign(url.toString());
  }

  // Back from the provider: the access token for the code in the address bar, or null when none is there.
  async function finish(config) {
    const params = new URLSearchParams(location.search);
    if (!params.has("code") && !params.has("error")) return null;
    const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) || "null");
    sessionStorage.removeItem(PENDING_KEY);
    history.replaceState(null, "", redirectUri());
    if (params.has("error")) throw new Error("the identity provider answered " + params.get("error"));
    if (!pending || params.get("state") !== pending.state) throw new Error("the sign-in did not match; try again");
    const provider = await discovery(config);
    const response = await fetch(provider.token_endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json" },
      body: new URLSearchParams({
        grant_type: "authorization_code", code: params.get("code"), redirect_uri: redirectUri(),
        client_id: config.client_id, code_verifier: pending.verifier }) });
    const body = await response.json().catch(() => ({}));
    if (!response.ok || !body.access_token) {
      throw new Error(body.error_description || body.error || ("HTTP " + response.status));
    }
    return body.access_token;
  }

  return { start, finish };
})();
