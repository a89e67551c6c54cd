"""Every Kafka node of the launcher has the partners listener (SASL/SCRAM) beside the internal one, and an authorizer
that denies what no ACL allows but trusts the internal principal (deploy/infra.py)."""
import pytest

from deploy.infra import PROFILES, kafka_properties


def ports(profile) -> list[int]:
    return [profile.mongo_port] + [port for node in profile.nodes
                                   for port in (profile.broker_port(node), profile.node_controller_port(node),
                                                profile.node_partners_port(node))]


def test_every_port_of_every_profile_is_its_own():
    every = [port for profile in PROFILES.values() for port in ports(profile)]
    assert len(every) == len(set(every))


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_each_node_listens_for_partners_with_scram_and_authorizes_them(name):
    profile = PROFILES[name]
    for node in profile.nodes:
        properties = dict(line.split("=", 1) for line in kafka_properties(profile, node).splitlines() if line)
        partners = f"PARTNERS://127.0.0.1:{profile.node_partners_port(node)}"
        assert partners in properties["listeners"].split(",")
        assert properties["advertised.listeners"].split(",") == [f"PLAINTEXT://127.0.0.1:{profile.broker_port(node)}",
                                                                 partners]
        assert "PARTNERS:SASL_PLAINTEXT" in properties["listener.security.protocol.map"].split(",")
        assert properties["listener.name.partners.sasl.enabled.mechanisms"] == "SCRAM-SHA-512"
        assert properties["authorizer.class.name"] == "org.apache.kafka.metadata.authorizer.StandardAuthorizer"
        assert properties["allow.everyone.if.no.acl.found"] == "false"
        assert properties["super.users"] == "User:ANONYMOUS"  # PLAINTEXT and CONTROLLER: the platform itself
    assert profile.partners_kafka_bootstrap == ",".join(f"127.0.0.1:{profile.node_partners_port(node)}"
                                                       for node in profile.nodes)
