"""Batches are written in few commands, with exactly the effect of applying each event once, in order."""
import math
from collections import Counter

import pytest
from backbone_kit import counting_handler, watched_database
from pymongo import monitoring

from shared.store.projection import Context, write_batch

pytestmark = pytest.mark.integration


class UpdateStatements(monitoring.CommandListener):
    def __init__(self):
        self.commands = []

    def started(self, event):
        if event.command_name == "update":
            self.commands.append(len(event.command["updates"]))

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


@pytest.fixture
def watched(settings):
    """The test's database through a client that counts update commands and their statements."""
    listener = UpdateStatements()
    with watched_database(settings, listener) as db:
        yield db, listener


def changes_of(events) -> list:
    handle = counting_handler(Counter())
    return [(event, change) for event in events for change in handle(event, None)]


def documents(db, collection: str) -> list:
    return sorted(db[collection].find(), key=lambda doc: doc["_id"])


def test_a_batch_combined_per_document_equals_applying_each_event_alone(watched, events):
    db, listener = watched
    sent = events.mix(clients=3, per_client=20)

    for event in sent:
        write_batch(Context(db, names={"per_client": "alone"}), changes_of([event]))
    listener.commands.clear()
    write_batch(Context(db, names={"per_client": "combined"}), changes_of(sent))

    assert documents(db, "combined") == documents(db, "alone")
    assert sum(listener.commands) <= 3 + 3, "one create and one combined update per client"


def test_a_redelivered_batch_cut_differently_applies_only_what_was_missing(watched, events):
    db, _ = watched
    sent = events.mix(clients=3, per_client=20)
    alone, redelivered = Context(db, names={"per_client": "alone"}), Context(db, names={"per_client": "again"})
    for event in sent:
        write_batch(alone, changes_of([event]))

    write_batch(redelivered, changes_of(sent[:25]))  # applied, then the offsets were not committed
    write_batch(redelivered, changes_of(sent[10:]))  # the redelivery overlaps what was applied
    write_batch(redelivered, changes_of(sent))       # and a full replay changes nothing

    assert documents(db, "again") == documents(db, "alone")


def test_a_large_batch_goes_out_in_commands_as_large_as_the_server_takes(watched, events):
    db, listener = watched
    sent = [events.goal_created(f"client-{n}") for n in range(2500)]
    largest = db.command("isMaster")["maxWriteBatchSize"]

    write_batch(Context(db), changes_of(sent))

    assert db["per_client"].count_documents({}) == 2500
    assert max(listener.commands) == largest, "the driver fills each command up to the server's limit"
    assert len(listener.commands) == 2 * math.ceil(2500 / largest), "the creates, then the combined updates"
