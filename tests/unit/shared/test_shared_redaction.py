"""Partner views drop every personal field, at any depth, and keep the rest."""
import json
from pathlib import Path

import pytest

from shared.contract.envelope import from_dict
from shared.contract.redaction import partner_view

GOLDEN = Path(__file__).resolve().parents[2] / "contract" / "golden"


def golden(name: str, version: int):
    return from_dict(json.loads((GOLDEN / name / f"v{version}.json").read_text()))


def test_goal_titles_descriptions_measure_names_milestone_titles_and_gas_texts_are_removed():
    original = golden("goal-created", 2)

    view = partner_view(original).data

    older = partner_view(golden("goal-created", 1)).data

    assert "title" not in view and "description" not in view
    assert view["gas_levels"] == {}
    assert golden("goal-created", 1).data["measure"]["name"] not in json.dumps(older)
    assert all("title" not in milestone for milestone in older["milestones"])


def test_everything_else_and_the_envelope_are_kept():
    original = golden("goal-created", 1)

    view = partner_view(original)

    assert (view.id, view.sequence, view.partitionkey, view.schemaversion) == (
        original.id, original.sequence, original.partitionkey, original.schemaversion)
    assert view.data["measure"] == {k: v for k, v in original.data["measure"].items() if k != "name"}
    assert view.data["category"] == original.data["category"]


@pytest.mark.parametrize("name", ["session-logged", "sharing-changed"])
def test_events_without_personal_fields_are_unchanged(name):
    original = golden(name, 1)

    assert partner_view(original) == original
