"""Test plumbing: the real parts (Kafka, PostgreSQL, Stripe mocks), unique databases and topics."""
