"""The web edge of every API: the app base, auth, errors, health, query conventions."""
