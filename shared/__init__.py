"""What every service needs once: the event contract, the Kafka and Mongo runtime,
auth, configuration, logging, errors, health and metrics."""
