"""Deployment tooling: native infrastructure launcher and process runner."""
