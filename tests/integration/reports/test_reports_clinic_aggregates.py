"""The clinic aggregates on the real store: batches, redeliveries and half-written batches count each event once."""
from __future__ import annotations

import bson
import pytest

from services.reports.projection import reports_projection
from services.reports.service import ReportsService
from services.reports.store.documents import CLIENT_SUMMARY, CLINIC_MONTH, CLINIC_SPANS, clinic_month_id
from shared.contract.envelope import Position
from shared.store.projection import Context, write_batch
from tests.unit.reports.reports_builders import Story, apply_events, changes, weeks

pytestmark = pytest.mark.integration

CLINIC = "clinic-aggregates"


def clinic_stories() -> list:
    """Clients whose goals and measurements move between buckets (errors, re-achievements, late sessions)."""
    events = []
    for n in range(6):
        story = Story(clinic=CLINIC, client=f"client-{n}", clinician=f"clinician-{n % 2}")
        story.goal(f"g-{n}-a", weeks(0), category="anxiety")
        story.goal(f"g-{n}-b", weeks(1), category="depression")
        for s, phq9 in enumerate((18, 15, 11, 9, 7)[: 2 + n % 4]):
            story.session(f"s-{n}-{s}", weeks(2 + 3 * s), phq9=phq9, gad7=12 - s if n % 2 else None,
                          attendance="no-show" if s == 1 and n % 3 == 0 else "attended")
        story.status(f"g-{n}-a", weeks(6))
        if n % 2:
            story.status(f"g-{n}-b", weeks(7), lifecycle="entered-in-error", achievement="not-achieved")
        story.session(f"s-{n}-late", weeks(1, weeks(0)), phq9=20)  # logged late: before every other session
        story.status(f"g-{n}-a", weeks(9), lifecycle="active", achievement="in-progress")
        story.status(f"g-{n}-a", weeks(12))
        events += story.events
    return events


def aggregates(db) -> dict:
    return {name: {doc["_id"]: {k: v for k, v in doc.items() if k != "applied_offsets"} for doc in db[name].find()}
            for name in (CLINIC_MONTH, CLINIC_SPANS)}


def handle(projection, ctx, events) -> list:
    """The batch's changes, as the consumer runtime computes them (prepare, every handler, then one write)."""
    projection.prepare(ctx, events)
    return [(event, change) for event in events for change in changes(projection, event, ctx)]


@pytest.fixture
def other_db(reports_db):
    db = reports_db.client[reports_db.name + "_other"]
    yield db
    reports_db.client.drop_database(db.name)


def test_one_batch_or_one_event_at_a_time_redelivered_or_not_give_the_same_aggregates(reports_db, other_db):
    projection, events = reports_projection(), clinic_stories()
    apply_events(projection, reports_db, events)
    expected = aggregates(reports_db)
    ctx = Context(db=other_db)
    projection.setup(ctx)
    write_batch(ctx, handle(projection, ctx, events))
    assert aggregates(other_db) == expected
    write_batch(ctx, handle(projection, ctx, events[3:] + events[:7]))  # redelivered, cut differently
    apply_events(projection, other_db, events)
    assert aggregates(other_db) == expected
    report = ReportsService(other_db).clinic_report(CLINIC, "2025-01", "2025-04")
    assert (report["goals_set"], report["clients_seen"], report["clients_measured"]) == (9, 6, 6)
    assert report["sessions_missed"] == 2


def test_a_batch_written_halfway_then_redelivered_counts_each_event_once(reports_db, other_db):
    projection, events = reports_projection(), clinic_stories()
    reports_db.client.drop_database(reports_db.name)
    apply_events(projection, reports_db, events)
    expected = aggregates(reports_db)
    crashed = Context(db=other_db)
    batch = handle(projection, crashed, events)
    write_batch(crashed, [(event, change) for event, change in batch if change.collection == CLIENT_SUMMARY])
    restarted = Context(db=other_db)  # a new worker after the crash: nothing in memory
    write_batch(restarted, handle(projection, restarted, events))
    assert aggregates(other_db) == expected


def test_the_clinic_report_reads_only_the_months_asked_for(reports_db):
    """Its cost does not depend on the clinic's clients: it never reads a client summary."""
    reads = []

    class Watched:
        def __init__(self, db):
            self.db = db

        def __getitem__(self, name):
            reads.append(name)
            return self.db[name]
    ReportsService(Watched(reports_db)).clinic_report(CLINIC, "2021-01", "2025-12")
    assert sorted(reads) == [CLINIC_MONTH, CLINIC_SPANS]


def test_the_same_event_published_twice_counts_once(reports_db, other_db):
    """The relay may publish an event again: the copy sits at a later offset, above the guard's."""
    projection, events = reports_projection(), clinic_stories()
    reports_db.client.drop_database(reports_db.name)
    apply_events(projection, reports_db, events)
    expected = aggregates(reports_db)
    client_0 = [event for event in events if event.partitionkey == "client-0"]
    last = client_0[-1].position
    copies = [event.at(Position(last.topic, last.partition, last.offset + n))
              for n, event in enumerate(client_0[:4], start=1)]
    ctx = Context(db=other_db)
    projection.setup(ctx)
    write_batch(ctx, handle(projection, ctx, events + copies[:2]))  # a copy in the same batch as the original
    write_batch(ctx, handle(projection, ctx, copies[2:]))           # and in a later batch
    assert aggregates(other_db) == expected


def month_document(db, clients: int) -> dict:
    """The January documents after `clients` clients (two goals and a session each), read from 4 partitions."""
    projection = reports_projection()
    db.client.drop_database(db.name)
    events = []
    for n in range(clients):
        story = Story(clinic=CLINIC, client=f"client-{n:04d}", clinician="clinician-1", partition=n % 4)
        story.goal(f"goal-{n:04d}-a", weeks(n % 3), category="anxiety")
        story.goal(f"goal-{n:04d}-b", weeks(n % 3), category="depression")
        story.session(f"session-{n:04d}", weeks(n % 3 + 1), phq9=n % 28, gad7=n % 22)
        events += story.events
    ctx = Context(db=db)
    projection.setup(ctx)
    for start in range(0, len(events), 500):
        write_batch(ctx, handle(projection, ctx, events[start:start + 500]))
    january = clinic_month_id(CLINIC, "2025-01")
    return {name: db[name].find_one({"_id": january}) for name in (CLINIC_MONTH, CLINIC_SPANS)}


def test_a_month_document_does_not_grow_with_the_goals_of_the_month(other_db):
    small, large = month_document(other_db, 20), month_document(other_db, 400)
    assert (small[CLINIC_MONTH]["goals_set"], large[CLINIC_MONTH]["goals_set"]) == (40, 800)
    for name in (CLINIC_MONTH, CLINIC_SPANS):
        assert len(bson.encode(large[name])) <= len(bson.encode(small[name])) + 64  # a few wider numbers at most
        assert len(large[name]["applied_offsets"]) == 4  # one per partition, never one per goal or session

