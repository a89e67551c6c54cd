"""What every service needs once, grouped by concern:

- ``contract``: the event contract (CloudEvents envelope, one data class per type and version and the schemas
  generated from them, upcasters, coded values, partner views);
- ``domain``: pure rules more than one service's domain applies (the domain error base, practice RRULEs);
- ``messaging``: the Kafka runtime (clients, topics, relay, consumer loop, offsets, dead letters, replay);
- ``store``: MongoDB (connections, the event store, declared indexes and query shapes, the projection writer);
- ``web``: the edge of every API (app base, auth, errors, health, query conventions);
- ``runtime``: the process (settings, lifecycle, logs, metrics, the projection worker).
"""
