"""The Kafka messaging runtime: clients, topics, the relay, the consumer loop, offsets, dead letters, replay."""
