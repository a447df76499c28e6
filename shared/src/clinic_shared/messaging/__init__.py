"""Kafka plumbing: the producer factory, the consumer policy, the inbox, the DLQ and topics."""
