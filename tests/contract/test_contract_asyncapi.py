"""docs/asyncapi.yaml is generated from the schemas and documents every message correctly."""
from pathlib import Path

import jsonschema_rs
import pytest
import yaml

from shared.contract.registry import EVENT_TYPES
from tools import asyncapi, asyncapi_parts

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "asyncapi.yaml"
REGISTERED = [(name, version) for name, kind in EVENT_TYPES.items() for version in sorted(kind.schemas)]
IDS = [f"{n}-v{v}" for n, v in REGISTERED]


@pytest.fixture(scope="module")
def document():
    return asyncapi.build()


def payload_validator(document, message_id):
    specific = document["components"]["messages"][message_id]["payload"]["allOf"][1]
    return jsonschema_rs.Draft7Validator({"allOf": [asyncapi_parts.ENVELOPE, specific]}, validate_formats=True)


def test_the_checked_in_asyncapi_document_is_up_to_date():
    assert DOCUMENT.read_text() == asyncapi.render(), \
        "docs/asyncapi.yaml is stale: run `python -m tools.asyncapi > docs/asyncapi.yaml`"


def test_the_document_is_asyncapi_3_with_a_channel_per_topic_and_dead_letters():
    document = yaml.safe_load(DOCUMENT.read_text())

    assert document["asyncapi"].startswith("3.")
    addresses = {channel["address"] for channel in document["channels"].values()}
    assert addresses == {"goals-events", "reminders-events", "{group}.dlq"}


@pytest.mark.parametrize(("name", "version"), REGISTERED, ids=IDS)
def test_each_type_and_version_is_one_message_whose_schema_accepts_its_golden_payload(document, name, version):
    message_id = asyncapi.camel(name, f"v{version}")
    example = asyncapi.golden(name, version)

    errors = [error.message for error in payload_validator(document, message_id).iter_errors(example)]

    assert errors == []


@pytest.mark.parametrize(("name", "version"), REGISTERED, ids=IDS)
def test_the_message_schema_rejects_a_payload_of_another_version(document, name, version):
    example = {**asyncapi.golden(name, version), "schemaversion": version + 1}

    assert not payload_validator(document, asyncapi.camel(name, f"v{version}")).is_valid(example)


def test_personal_fields_are_marked(document):
    internal = document["components"]["messages"]["goalCreatedV2"]["payload"]["allOf"][1]["properties"]["data"]
    properties = internal["properties"]

    assert properties["title"]["x-personal"] is True
    assert properties["measure"]["properties"]["name"]["x-personal"] is True
    assert "x-personal" not in str(properties["client_id"])


def test_the_message_key_is_the_client_id_and_dead_letters_carry_their_origin(document):
    components = document["components"]
    dead_letter_headers = components["messages"]["deadLetter"]["headers"]["required"]

    assert "client id" in components["messageTraits"]["cloudEvent"]["bindings"]["kafka"]["key"]["description"]
    assert {"dlq_error", "dlq_topic", "dlq_partition", "dlq_offset"} <= set(dead_letter_headers)
