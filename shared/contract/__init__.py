"""The event contract: CloudEvents envelope, one data class per (type, version) and its generated schema, upcasters,
coded values, partner views."""
