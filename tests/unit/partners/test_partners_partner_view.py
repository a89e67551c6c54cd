"""The partner CloudEvent: no personal field, no internal id, pseudonyms per partner."""
import json
from pathlib import Path

import pytest

from services.partners.domain.partner_view import partner_event
from services.partners.domain.pseudonyms import PartnerPseudonyms
from services.partners.domain.subscription import SUBSCRIBABLE
from shared.contract.envelope import from_dict
from shared.contract.registry import upcast

GOLDEN = Path(__file__).resolve().parents[2] / "contract" / "golden"
SECRET = "unit-test-pseudonym-secret"


def golden(kind: str):
    return upcast(from_dict(json.loads((GOLDEN / kind / "v1.json").read_text())))


def ids_in(value) -> set[str]:
    if isinstance(value, dict):
        return {v for k, v in value.items() if k.endswith("_id") and isinstance(v, str)} | {
            found for v in value.values() for found in ids_in(v)}
    if isinstance(value, list):
        return {found for item in value for found in ids_in(item)}
    return set()


def personal_texts(value) -> set[str]:
    """The texts of the personal fields (titles, descriptions, measure names, GAS level texts) at any depth."""
    if isinstance(value, dict):
        found = {v for k, v in value.items() if k in ("title", "description", "name") and isinstance(v, str)}
        found |= set((value.get("gas_levels") or {}).values())
        return found | {text for v in value.values() for text in personal_texts(v)}
    if isinstance(value, list):
        return {text for item in value for text in personal_texts(item)}
    return set()


@pytest.mark.parametrize("kind", SUBSCRIBABLE)
def test_no_internal_id_nor_personal_field_reaches_a_partner(kind):
    event = golden(kind)
    view = partner_event(event, PartnerPseudonyms(SECRET, "ehr-1"))
    text = json.dumps(view)
    for internal in ids_in(event.data) | {event.id, event.subject, event.partitionkey, event.correlationid} - {None}:
        assert internal not in text
    for personal in personal_texts(event.data):
        assert personal not in text
    assert "client_id" not in view["data"] and "partitionkey" not in view and "correlationid" not in view
    assert view["data"]["pseudonym"] == view["pseudonym"]
    assert (view["type"], view["time"], view["clinicid"], view["specversion"]) == (
        event.type, event.time, event.clinicid, "1.0")


def test_a_pseudonym_is_stable_for_one_partner_and_different_between_partners():
    event = golden("milestone-reached")
    ehr, again, registry = (partner_event(event, PartnerPseudonyms(SECRET, partner))
                            for partner in ("ehr-1", "ehr-1", "registry-1"))
    assert ehr == again
    for field in ("goal_id", "milestone_id", "pseudonym"):
        assert ehr["data"][field] != registry["data"][field]
        assert ehr["data"][field].startswith("psn_") and len(ehr["data"][field]) == 30
    assert ehr["id"] != registry["id"] and ehr["subject"] != registry["subject"]


def test_the_subject_is_the_pseudonym_of_the_data_id_it_names():
    view = partner_event(golden("milestone-reached"), PartnerPseudonyms(SECRET, "ehr-1"))
    assert view["subject"] == view["data"]["goal_id"]


def test_the_ids_of_a_sessions_ratings_are_pseudonymised_too():
    event = golden("session-logged")
    view = partner_event(event, PartnerPseudonyms(SECRET, "ehr-1"))
    assert [rating["goal_id"] for rating in view["data"]["goals"]] == [
        PartnerPseudonyms(SECRET, "ehr-1").of("goal", rating["goal_id"]) for rating in event.data["goals"]]
