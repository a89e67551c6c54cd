"""docs/partners-asyncapi.yaml is generated and documents exactly the partner events the router builds."""
from pathlib import Path

import jsonschema_rs
import pytest

from services.partners.domain.partner_view import partner_event
from services.partners.domain.pseudonyms import PartnerPseudonyms
from services.partners.domain.subscription import SUBSCRIBABLE
from shared.contract.envelope import from_dict
from shared.contract.registry import upcast
from tools import partner_asyncapi
from tools.asyncapi import camel, golden

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "partners-asyncapi.yaml"


@pytest.fixture(scope="module")
def document():
    return partner_asyncapi.build()


def validator(document, name):
    specific = document["components"]["messages"][camel(name)]["payload"]["allOf"][1]
    return jsonschema_rs.Draft7Validator({"allOf": [partner_asyncapi.ENVELOPE, specific]}, validate_formats=True)


def partner_view_of_golden(name: str, partner: str) -> dict:
    return partner_event(upcast(from_dict(golden(name, 1))), PartnerPseudonyms("another-secret", partner))


def test_the_checked_in_partner_asyncapi_document_is_up_to_date():
    assert DOCUMENT.read_text() == partner_asyncapi.render(), \
        "docs/partners-asyncapi.yaml is stale: run `python -m tools.partner_asyncapi > docs/partners-asyncapi.yaml`"


@pytest.mark.parametrize("name", SUBSCRIBABLE)
def test_each_partner_event_is_valid_for_its_message_and_an_internal_one_is_not(document, name):
    check = validator(document, name)
    for partner in ("ehr-1", "registry-1"):
        event = partner_view_of_golden(name, partner)
        assert [error.message for error in check.iter_errors(event)] == []
    internal = upcast(from_dict(golden(name, 1))).to_dict()
    assert not check.is_valid(internal)
    with_client = partner_view_of_golden(name, "ehr-1")
    with_client["data"] = {**with_client["data"], "client_id": "client-4411"}
    assert not check.is_valid(with_client)


def test_sharing_changed_is_not_a_partner_message(document):
    assert set(document["components"]["messages"]) == {camel(name) for name in SUBSCRIBABLE}
    assert "sharingChanged" not in document["components"]["messages"]
