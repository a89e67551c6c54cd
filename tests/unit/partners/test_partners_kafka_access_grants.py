"""What a partner's SCRAM user is granted: reading its subscription's topic and its own consumer groups, nothing more
(services/partners/kafka_access.py; on the broker: tests/integration/partners/test_partners_kafka_access.py)."""
from kafka.admin import ACLOperation, ACLPermissionType, ACLResourcePatternType, ResourceType

from services.partners import kafka_access
from shared.runtime.config import Settings

SUBSCRIPTION = "5b0e9c1e-3f0a-4a8e-9d8c-2f6d8f1e7a10"


def test_the_user_may_read_and_describe_its_topic_and_read_the_groups_of_its_prefix():
    settings = Settings(service="partners", topic_prefix="staging-")
    granted = {(acl.principal, acl.host, acl.operation, acl.permission_type, acl.resource_pattern.resource_type,
                acl.resource_pattern.resource_name, acl.resource_pattern.pattern_type)
               for acl in kafka_access.acls(settings, SUBSCRIPTION)}
    who, allow, literal = f"User:partner-{SUBSCRIPTION}", ACLPermissionType.ALLOW, ACLResourcePatternType.LITERAL
    assert granted == {
        (who, "*", ACLOperation.READ, allow, ResourceType.TOPIC, f"staging-partner.{SUBSCRIPTION}", literal),
        (who, "*", ACLOperation.DESCRIBE, allow, ResourceType.TOPIC, f"staging-partner.{SUBSCRIPTION}", literal),
        (who, "*", ACLOperation.READ, allow, ResourceType.GROUP, f"partner-{SUBSCRIPTION}",
         ACLResourcePatternType.PREFIXED)}


def test_the_printed_access_names_everything_a_partner_configures():
    credentials = kafka_access.Credentials("kafka.example:9094", "partner-x", "secret", "partner.x", "partner-x")
    assert credentials.lines == ["bootstrap.servers: kafka.example:9094", "security.protocol: SASL_PLAINTEXT",
                                 "sasl.mechanism: SCRAM-SHA-512", "username: partner-x", "password: secret",
                                 "topic: partner.x", "group.id prefix: partner-x"]
