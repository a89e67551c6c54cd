"""The clinic aggregates on the real store: batches, redeliveries and half-written batches count each event once."""
from __future__ import annotations

import pytest

from services.reports.documents import CLIENT_SUMMARY, CLINIC_MONTH, CLINIC_SPANS
from services.reports.projection import reports_projection
from services.reports.read.clinic import clinic_report
from shared.projection import Context, write_batch
from tests.unit.reports.reports_builders import Story, apply_events, weeks

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
    return {name: {doc["_id"]: {k: v for k, v in doc.items() if k != "applied"} for doc in db[name].find()}
            for name in (CLINIC_MONTH, CLINIC_SPANS)}


def handle(projection, ctx, events) -> list:
    """The batch's changes, as the consumer runtime computes them (prepare, every handler, then one write)."""
    projection.prepare(ctx, events)
    return [(event, change) for event in events for change in projection.handlers[event.type](event, ctx)]


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
    report = clinic_report(other_db, CLINIC, "2025-01", "2025-04")
    assert (report["goals_set"], report["clients_seen"], report["clients_measured"]) == (9, 6, 6)
    assert report["sessions_missed"] == 2


def test_a_batch_written_halfway_then_redelivered_counts_each_event_once(reports_db, other_db):
    projection, events = reports_projection(), clinic_stories()
    reports_db.client.drop_database(reports_db.name)
    apply_events(projection, reports_db, events)
    expected = aggregates(reports_db)
    crashed = Context(db=other_db)
    changes = handle(projection, crashed, events)
    write_batch(crashed, [(event, change) for event, change in changes if change.collection == CLIENT_SUMMARY])
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
    clinic_report(Watched(reports_db), CLINIC, "2021-01", "2025-12")
    assert sorted(reads) == [CLINIC_MONTH, CLINIC_SPANS]
