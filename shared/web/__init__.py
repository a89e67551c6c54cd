"""The web edge of every API: the app base, auth, errors, body and rate limits, health, query conventions."""
