"""Defect 10 (topics) and 5 (DLQ retention): topics get the configured replicas and min ISR, DLQs keep
their messages. The code before issue #9 created every topic with one replica, default settings."""

from __future__ import annotations

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import InvalidReplicationFactorError

from clinic_shared.messaging.kafka import ensure_topics
from clinic_shared.settings import ServiceSettings
from clinic_shared.testing.infra import Infra

from .notes_service import build


async def _configs(bootstrap: str, topic: str) -> dict[str, str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        [response] = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
        [(_, _, _, _, entries)] = response.resources
        return {e[0]: e[1] for e in entries}
    finally:
        await admin.close()


async def test_the_runtime_creates_topics_with_the_configured_min_isr_and_dlqs_that_keep_messages(
    notes_settings: ServiceSettings,
) -> None:
    settings = notes_settings.model_copy(update={"kafka_min_insync_replicas": 2})
    runtime, _ = build(settings, consume=True)
    await runtime.start()
    await runtime.stop()
    topic = settings.kafka_topic_prefix + "test.notes.v1"
    origin, dlq = await _configs(settings.kafka_bootstrap_servers, topic), await _configs(
        settings.kafka_bootstrap_servers, topic + ".dlq")
    assert origin["min.insync.replicas"] == "2"
    assert dlq["min.insync.replicas"] == "2"
    assert dlq["retention.ms"] == "-1"
    assert origin["retention.ms"] != "-1"


async def test_the_replication_factor_reaches_the_broker(infra: Infra, topic_prefix: str) -> None:
    # One local broker: asking for 3 replicas must be refused by it, which shows the setting is used.
    with pytest.raises(InvalidReplicationFactorError):
        await ensure_topics(infra.kafka, [topic_prefix + "rf.v1"], 1, replication_factor=3)
