"""Pure rules more than one service's domain applies (no Flask, pymongo or Kafka)."""
