"""The event contract: CloudEvents envelope, one schema per (type, version), upcasters, coded values, partner views."""
