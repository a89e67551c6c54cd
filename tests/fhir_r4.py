"""FHIR R4 (4.0.1) validation for the tests, with fhir.resources 6.4: its last line on R4 (7 and later are R5,
with R4B aside). The service builds plain dicts (services/goals/domain/fhir.py) and never imports it."""
from __future__ import annotations

from fhir.resources import construct_fhir_element


def valid(resource: dict) -> dict:
    """The resource, once fhir.resources has parsed it as its resourceType (pydantic's ValidationError if it is
    not a valid R4 resource: a missing or unknown element, a wrong type, a malformed id, date or code)."""
    construct_fhir_element(resource["resourceType"], resource)
    return resource
