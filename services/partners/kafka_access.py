"""A partner's Kafka access: the subscription's own topic, and a SCRAM user that may read only that.

    python -m services.partners.kafka_access issue <subscription_id>
    python -m services.partners.kafka_access revoke <subscription_id>

`issue` creates the topic ``partner.<subscription_id>`` (physical name with KAFKA_TOPIC_PREFIX; events
kept forever, like the event topics), the SCRAM-SHA-512 user ``partner-<subscription_id>`` with a new
random password, and ACLs allowing that user READ and DESCRIBE on the topic (literal) and READ on
the consumer groups prefixed ``partner-<subscription_id>``; it records ``{"topic", "principal"}``
in the subscription's ``kafka`` field (the partners-deliverer then publishes its feed there). The
password is printed once and kept nowhere: the broker stores only its salted SCRAM hash. Issued
again, the user gets a new password (a rotation: the old one stops working).

`revoke` deletes the user's ACLs and its credential and sets ``kafka`` back to None; the topic
stays with its events (a later `issue` gives access to it again).

Both run over the internal listener (KAFKA_BOOTSTRAP_SERVERS), whose principal the brokers
treat as a super user; partners connect to the partners listener (PARTNERS_KAFKA_BOOTSTRAP,
SASL_PLAINTEXT with SCRAM-SHA-512; README.md, "Kafka access for partners").
"""
from __future__ import annotations

import argparse
import secrets
import sys
from dataclasses import dataclass
from datetime import datetime

from kafka.admin import (ACL, ACLFilter, ACLOperation, ACLPermissionType, ACLResourcePatternType, KafkaAdminClient,
                         ResourcePattern, ResourcePatternFilter, ResourceType, ScramMechanism,
                         UserScramCredentialDeletion, UserScramCredentialUpsertion)
from kafka.errors import NoError
from pymongo.collection import Collection

from shared.domain.time import Clock, utc_now
from shared.messaging.topics import ensure_topics
from shared.runtime.config import Settings
from shared.store import mongo

SUBSCRIPTIONS = "subscriptions"
MECHANISM = ScramMechanism.SCRAM_SHA_512
SECURITY_PROTOCOL = "SASL_PLAINTEXT"
ANY_HOST = "*"


class UnknownSubscription(LookupError):
    """No subscription with that id, or a deleted one."""


@dataclass(frozen=True)
class Credentials:
    """What a partner needs to read its topic (the password exists only here)."""

    bootstrap_servers: str
    username: str
    password: str
    topic: str  # physical
    group_prefix: str

    @property
    def lines(self) -> list[str]:
        return [f"bootstrap.servers: {self.bootstrap_servers}", f"security.protocol: {SECURITY_PROTOCOL}",
                f"sasl.mechanism: {MECHANISM.name.replace('_', '-')}", f"username: {self.username}",
                f"password: {self.password}", f"topic: {self.topic}", f"group.id prefix: {self.group_prefix}"]


def topic_name(subscription_id: str) -> str:
    """The subscription's logical topic (Settings.topic makes it physical)."""
    return f"partner.{subscription_id}"


def username(subscription_id: str) -> str:
    """The subscription's SCRAM user, also the prefix of the consumer groups it may use."""
    return f"partner-{subscription_id}"


def principal(subscription_id: str) -> str:
    return f"User:{username(subscription_id)}"


def issue(settings: Settings, subscription_id: str, clock: Clock = utc_now) -> Credentials:
    """Create (or keep) the topic, set a new password, allow the reads; record the access on the subscription."""
    with mongo.connect(settings) as store:
        subscriptions = mongo.database(settings, store)[SUBSCRIPTIONS]
        if subscriptions.find_one({"_id": subscription_id, "deleted_at": None}, {"_id": 1}) is None:
            raise UnknownSubscription(subscription_id)
        ensure_topics(settings, (topic_name(subscription_id),))
        password = secrets.token_urlsafe(32)
        with admin(settings) as client:
            refused(client.alter_user_scram_credentials(
                [UserScramCredentialUpsertion(username(subscription_id), MECHANISM, password)]))
            created = client.create_acls(acls(settings, subscription_id))
            if created["failed"]:
                raise created["failed"][0]("creating the ACLs of " + principal(subscription_id))
        record(subscriptions, subscription_id,
               {"topic": topic_name(subscription_id), "principal": principal(subscription_id)}, clock())
    return Credentials(settings.partners_kafka_bootstrap, username(subscription_id), password,
                       settings.topic(topic_name(subscription_id)), username(subscription_id))


def revoke(settings: Settings, subscription_id: str, clock: Clock = utc_now) -> None:
    """Delete the user's ACLs and credential (also when half of them are gone already); unrecord the access."""
    everything = ResourcePatternFilter(ResourceType.ANY, None, ACLResourcePatternType.ANY)
    with admin(settings) as client:
        for _, _, error in client.delete_acls(
                [ACLFilter(principal(subscription_id), None, ACLOperation.ANY, ACLPermissionType.ANY, everything)]):
            if error is not NoError:
                raise error("deleting the ACLs of " + principal(subscription_id))
        credential = client.describe_user_scram_credentials([username(subscription_id)])[username(subscription_id)]
        if credential["credential_infos"]:
            refused(client.alter_user_scram_credentials(
                [UserScramCredentialDeletion(username(subscription_id), MECHANISM)]))
    with mongo.connect(settings) as store:
        record(mongo.database(settings, store)[SUBSCRIPTIONS], subscription_id, None, clock())


def acls(settings: Settings, subscription_id: str) -> list[ACL]:
    """READ and DESCRIBE on the subscription's topic, READ on its consumer groups (by prefix)."""
    who, topic = principal(subscription_id), settings.topic(topic_name(subscription_id))
    groups = ResourcePattern(ResourceType.GROUP, username(subscription_id), ACLResourcePatternType.PREFIXED)
    return [*(ACL(who, ANY_HOST, operation, ACLPermissionType.ALLOW, ResourcePattern(ResourceType.TOPIC, topic))
              for operation in (ACLOperation.READ, ACLOperation.DESCRIBE)),
            ACL(who, ANY_HOST, ACLOperation.READ, ACLPermissionType.ALLOW, groups)]


def admin(settings: Settings) -> KafkaAdminClient:
    return KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers,
                            client_id=f"{settings.service}-kafka-access")


def refused(results: dict[str, str | None]) -> None:
    """Raise the broker's refusal of a credential change, if any (the answer maps each user to its error)."""
    errors = [f"{user}: {error}" for user, error in results.items() if error]
    if errors:
        raise RuntimeError("SCRAM credentials refused: " + "; ".join(errors))


def record(subscriptions: Collection, subscription_id: str, kafka: dict | None, now: datetime) -> None:
    """Set the subscription's `kafka` field, as a change of the document (next version)."""
    subscriptions.update_one({"_id": subscription_id},
                             {"$set": {"kafka": kafka, "updated_at": now}, "$inc": {"version": 1}})


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["issue", "revoke"])
    parser.add_argument("subscription_id")
    args = parser.parse_args(argv)
    settings = Settings(service="partners")
    try:
        if args.command == "issue":
            print("\n".join(issue(settings, args.subscription_id).lines))
        else:
            revoke(settings, args.subscription_id)
            print(f"revoked: {username(args.subscription_id)} has no credential and no ACL")
    except UnknownSubscription:
        raise SystemExit(f"no subscription {args.subscription_id}")


if __name__ == "__main__":
    main(sys.argv[1:])
