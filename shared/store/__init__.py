"""The store: MongoDB connections, the event store, declared indexes and query shapes, the projection writer."""
