"""Decoding a record: ours and current, ours but old, not ours, or poison for the dead-letter topic."""
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from services.reminders.projection import reminders_projection
from services.reports.projection import reports_projection
from shared.messaging.consumer import decode
from shared.messaging.deadletters import Rejected
from shared.store.projection import Projection

GOLDEN = Path(__file__).resolve().parents[2] / "contract" / "golden"
PROJECTION = Projection("test", ("goals-events",), (), {"goal-created": lambda e, c: []})


@dataclass
class Record:
    value: bytes
    headers: list
    topic: str = "goals-events"
    partition: int = 0
    offset: int = 7
    key: bytes = b"client-1"


def golden(name: str, version: int) -> dict:
    return json.loads((GOLDEN / name / f"v{version}.json").read_text())


def test_an_old_version_is_decoded_at_the_current_version():
    event = decode(Record(json.dumps(golden("goal-created", 1)).encode(), []), PROJECTION)

    assert event.schemaversion == 2
    assert event.position == ("goals-events", 0, 7)  # where it was read: the guard by position needs it


def test_a_type_the_projection_does_not_handle_is_skipped_by_its_header_without_parsing():
    assert decode(Record(b"not even json", [("ce_type", b"session-logged")]), PROJECTION) is None


def test_a_type_the_projection_does_not_handle_is_skipped_after_parsing_without_a_header():
    assert decode(Record(json.dumps(golden("session-logged", 1)).encode(), []), PROJECTION) is None


def test_poison_is_rejected_with_its_reason():
    invalid = golden("goal-created", 2)
    invalid["data"]["priority"] = "urgent"
    future = {**golden("goal-created", 2), "schemaversion": 3}

    outcomes = [decode(Record(value, []), PROJECTION) for value in
                (b"\x00garbage", json.dumps(invalid).encode(), json.dumps(future).encode())]

    assert all(isinstance(outcome, Rejected) for outcome in outcomes)
    assert [outcome.reason for outcome in outcomes] == ["undecodable", "contract", "contract"]
    assert "priority" in outcomes[1].error and "unknown version 3" in outcomes[2].error


@pytest.mark.parametrize("projection", [reminders_projection(), reports_projection()], ids=lambda p: p.name)
@pytest.mark.parametrize("headers", [[("ce_type", b"sharing-changed")], []], ids=["by header", "by value"])
def test_the_reminders_and_reports_projections_skip_sharing_changed_without_a_dead_letter(projection, headers):
    assert decode(Record(json.dumps(golden("sharing-changed", 1)).encode(), headers), projection) is None
