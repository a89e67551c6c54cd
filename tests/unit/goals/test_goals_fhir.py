"""Goals and sessions as FHIR R4 resources: codes as the published terminology has them, every resource valid."""
from datetime import timedelta

import pytest

from services.goals.domain import fhir
from services.goals.domain.goal import apply, fold
from services.goals.domain.session import fold as fold_session
from shared.contract import vocabulary as v
from shared.contract.events import MilestoneReached
from tests.fhir_r4 import valid

# The R4 terminology the mapping must meet (hl7.org/fhir/R4: valueset-goal-status, codesystem-goal-achievement,
# codesystem-goal-priority, valueset-encounter-status, v3-ActEncounterCode), written out here as the oracle
GOAL_STATUS = {"proposed", "planned", "accepted", "active", "on-hold", "completed", "cancelled", "entered-in-error",
               "rejected"}
GOAL_ACHIEVEMENT = {"in-progress": "In Progress", "improving": "Improving", "worsening": "Worsening",
                    "no-change": "No Change", "achieved": "Achieved", "sustaining": "Sustaining",
                    "not-achieved": "Not Achieved", "no-progress": "No Progress", "not-attainable": "Not Attainable"}
GOAL_PRIORITY = {"high-priority": "High Priority", "medium-priority": "Medium Priority",
                 "low-priority": "Low Priority"}
ENCOUNTER_STATUS = {"planned", "arrived", "triaged", "in-progress", "onleave", "finished", "cancelled",
                    "entered-in-error", "unknown"}
ACT_ENCOUNTER_CODE = {"AMB": "ambulatory", "VR": "virtual"}  # of the encounter class value set, what a session can be
LEVELS = {"-2": "Avoids every meeting", "-1": "Attends, says nothing", "0": "Asks one question a week",
          "1": "Gives a short update", "2": "Leads a meeting"}
BASE = "https://goals.example/v1/fhir"


@pytest.fixture
def full_goal(create, today, noon):
    """A high-priority goal with a description, a measure, GAS levels and two milestones, the first reached."""
    created = fold(create(priority="high", description="At work, with my team", gas_levels=LEVELS,
                          measure={"name": "Meetings I spoke in", "baseline": 0, "target": 2.5, "unit": "per week"},
                          milestones=[{"title": "Ask one question", "due_date": today},
                                      {"title": "Give a short update", "due_date": today + timedelta(days=30)}]),
                   created_at=noon)
    return apply(created, MilestoneReached("goal-1", "client-1", "m-1", noon))


def coding(concept: dict) -> dict:
    [only] = concept["coding"]
    return only


def test_a_goal_is_a_valid_fhir_goal_with_its_title_client_and_dates(full_goal):
    resource = valid(fhir.goal(full_goal))

    assert (resource["resourceType"], resource["id"], resource["meta"]) == ("Goal", "goal-1", {"versionId": "2"})
    assert resource["description"] == {"text": "Speak up in team meetings"}
    assert resource["subject"] == {"reference": "Patient/client-1"}
    assert resource["startDate"] == "2025-03-10"
    assert resource["target"][0]["dueDate"] == "2025-06-08"


@pytest.mark.parametrize("status", v.LIFECYCLE_STATUSES)
def test_every_lifecycle_status_is_an_r4_goal_status(goal_in, status):
    resource = valid(fhir.goal(goal_in(status)))

    assert resource["lifecycleStatus"] == status and status in GOAL_STATUS


@pytest.mark.parametrize("achievement", v.ACHIEVEMENT_STATUSES)
def test_every_achievement_status_is_coded_in_goal_achievement(goal_in, achievement):
    resource = valid(fhir.goal(goal_in("active", achievement)))

    assert coding(resource["achievementStatus"]) == {
        "system": "http://terminology.hl7.org/CodeSystem/goal-achievement", "code": achievement,
        "display": GOAL_ACHIEVEMENT[achievement]}


@pytest.mark.parametrize("priority, code", [("high", "high-priority"), ("medium", "medium-priority"),
                                            ("low", "low-priority")])
def test_a_priority_is_coded_in_goal_priority(create, priority, code):
    resource = valid(fhir.goal(fold(create(priority=priority))))

    assert coding(resource["priority"]) == {"system": "http://terminology.hl7.org/CodeSystem/goal-priority",
                                            "code": code, "display": GOAL_PRIORITY[code]}


@pytest.mark.parametrize("category", v.CATEGORIES)
def test_a_goal_is_behavioral_and_its_category_is_coded_in_our_system_with_a_text(create, category):
    behavioral, ours = valid(fhir.goal(fold(create(category=category))))["category"]

    assert coding(behavioral) == {"system": "http://terminology.hl7.org/CodeSystem/goal-category",
                                  "code": "behavioral", "display": "Behavioral"}
    assert coding(ours) == {"system": "urn:therapy-goals:fhir:goal-category", "code": category,
                            "display": ours["text"]} and ours["text"]


def test_milestones_are_further_targets_with_their_titles_and_due_dates(full_goal, noon):
    *_, first, second = valid(fhir.goal(full_goal))["target"]

    assert (first["id"], first["measure"]["text"], first["dueDate"]) == ("m-1", "Ask one question", "2025-03-10")
    assert coding(first["measure"])["code"] == "milestone-reached" and first["detailBoolean"] is True
    assert first["extension"] == [{"url": "urn:therapy-goals:fhir:milestone-reached-at",
                                   "valueDateTime": noon.isoformat()}]
    assert (second["id"], second["dueDate"]) == ("m-2", "2025-04-09") and "extension" not in second


def test_a_measure_and_gas_levels_are_targets_and_their_texts_notes(full_goal):
    resource = valid(fhir.goal(full_goal))

    measured, scaled = resource["target"][:2]
    assert measured == {"measure": {"text": "Meetings I spoke in"},
                        "detailQuantity": {"value": 2.5, "unit": "per week"}, "dueDate": "2025-06-08"}
    assert coding(scaled["measure"])["code"] == "gas-level" and scaled["detailInteger"] == 0
    assert [note["text"] for note in resource["note"]] == [
        "At work, with my team", "Baseline of the measure: 0 per week",
        "GAS level -2, much less than expected: Avoids every meeting",
        "GAS level -1, somewhat less than expected: Attends, says nothing",
        "GAS level 0, the expected outcome: Asks one question a week",
        "GAS level +1, somewhat more than expected: Gives a short update",
        "GAS level +2, much more than expected: Leads a meeting"]


def test_a_plain_goal_has_one_target_its_date_and_no_notes(create):
    resource = valid(fhir.goal(fold(create())))

    assert resource["target"] == [{"dueDate": "2025-06-08"}] and "note" not in resource


def test_a_client_id_that_is_no_fhir_id_is_referenced_by_our_identifier(create):
    resource = valid(fhir.goal(fold(create(client_id="client_1"))))

    assert resource["subject"] == {"type": "Patient",
                                   "identifier": {"system": "urn:therapy-goals:client-id", "value": "client_1"}}


@pytest.mark.parametrize("attendance, status", [("attended", "finished"), ("no-show", "cancelled"),
                                                ("cancelled-late", "cancelled")])
def test_a_sessions_attendance_is_its_encounter_status(log, attendance, status):
    resource = valid(fhir.encounter(fold_session(log(attendance=attendance))))

    assert resource["status"] == status and status in ENCOUNTER_STATUS


@pytest.mark.parametrize("modality, code", [("in-person", "AMB"), ("video", "VR"), ("phone", "VR")])
def test_a_sessions_modality_is_its_encounter_class(log, modality, code):
    resource = valid(fhir.encounter(fold_session(log(modality=modality))))

    assert resource["class"] == {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": code,
                                 "display": ACT_ENCOUNTER_CODE[code]}


def test_an_encounter_is_the_booked_time_of_the_clients_session(log, noon):
    resource = valid(fhir.encounter(fold_session(log(duration_minutes=50))))

    assert (resource["id"], resource["subject"]) == ("session-1", {"reference": "Patient/client-1"})
    assert resource["period"] == {"start": noon.isoformat(), "end": (noon + timedelta(minutes=50)).isoformat()}
    assert resource["length"]["value"] == 50 and resource["length"]["code"] == "min"


def test_phq9_and_gad7_totals_are_loinc_coded_survey_observations_of_the_encounter(log, noon):
    phq9, gad7 = map(valid, fhir.observations(fold_session(log(phq9=12, phq9_item9=1, gad7=9))))

    assert (coding(phq9["code"])["system"], coding(phq9["code"])["code"], phq9["valueInteger"]) == (
        "http://loinc.org", "44261-6", 12)
    assert [(coding(c["code"])["code"], c["valueInteger"]) for c in phq9["component"]] == [("44260-8", 1)]
    assert (coding(gad7["code"])["code"], gad7["valueInteger"], "component" in gad7) == ("70274-6", 9, False)
    for score in (phq9, gad7):
        assert coding(score["category"][0])["code"] == "survey" and score["status"] == "final"
        assert score["encounter"] == {"reference": "Encounter/session-1"}
        assert score["effectiveDateTime"] == noon.isoformat()


def test_each_gas_rating_is_an_observation_focused_on_its_goal(log):
    session = fold_session(log(goals=[("goal-1", 1), ("goal-2", None), ("goal-3", -2)]))

    ratings = [valid(observation) for observation in fhir.observations(session)]

    assert [(r["id"], r["focus"], r["valueInteger"]) for r in ratings] == [
        ("session-1-gas-1", [{"reference": "Goal/goal-1"}], 1), ("session-1-gas-3", [{"reference": "Goal/goal-3"}], -2)]
    assert all(coding(r["code"]) == {"system": "urn:therapy-goals:fhir:code", "code": "gas-level",
                                     "display": "Goal Attainment Scaling level"} for r in ratings)


def test_a_session_without_scores_or_ratings_has_no_observations(log):
    assert fhir.observations(fold_session(log(attendance="no-show"))) == []


def test_a_clients_record_is_a_valid_collection_bundle_whose_references_resolve_inside_it(full_goal, log, noon):
    session = fold_session(log(goals=[("goal-1", 2)], phq9=5, gad7=3))

    bundle = valid(fhir.client_bundle([full_goal], [session], noon, BASE))

    assert (bundle["type"], bundle["timestamp"]) == ("collection", noon.isoformat())
    assert [entry["fullUrl"] for entry in bundle["entry"]] == [
        f"{BASE}/Goal/goal-1", f"{BASE}/Encounter/session-1", f"{BASE}/Observation/session-1-phq9",
        f"{BASE}/Observation/session-1-gad7", f"{BASE}/Observation/session-1-gas-1"]
    rating = bundle["entry"][-1]["resource"]
    assert f"{BASE}/{rating['focus'][0]['reference']}" == bundle["entry"][0]["fullUrl"]
    assert all(valid(entry["resource"]) for entry in bundle["entry"])
