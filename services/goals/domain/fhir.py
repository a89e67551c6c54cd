"""Goals, sessions and their scores as FHIR R4 (4.0.1) resources: plain JSON-ready dicts (docs/fhir.md).

Codes are those of the published terminology: a goal's lifecycle and achievement
statuses are already FHIR's codes (shared/contract/vocabulary.py), its priority
is a goal-priority code, a session is an Encounter whose class is a v3 ActCode,
PHQ-9 and GAD-7 totals are LOINC-coded Observations. What FHIR has no code for
(our goal categories, a GAS level, a milestone) is coded in systems of ours,
`urn:therapy-goals:fhir:*`, always with a text.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta

GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
GOAL_PRIORITY = "http://terminology.hl7.org/CodeSystem/goal-priority"
GOAL_CATEGORY = "http://terminology.hl7.org/CodeSystem/goal-category"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
OUR_CATEGORIES = "urn:therapy-goals:fhir:goal-category"
OUR_CODES = "urn:therapy-goals:fhir:code"
MILESTONE_REACHED_AT = "urn:therapy-goals:fhir:milestone-reached-at"
CLIENT_IDS = "urn:therapy-goals:client-id"

ACHIEVEMENT_DISPLAY = {"in-progress": "In Progress", "improving": "Improving", "worsening": "Worsening",
                       "no-change": "No Change", "achieved": "Achieved", "sustaining": "Sustaining",
                       "not-achieved": "Not Achieved", "no-progress": "No Progress",
                       "not-attainable": "Not Attainable"}
PRIORITY_DISPLAY = {"high": "High Priority", "medium": "Medium Priority", "low": "Low Priority"}
CATEGORY_DISPLAY = {"anxiety": "Anxiety", "depression": "Depression and mood", "coping-skills": "Coping skills",
                    "stress-management": "Stress management", "behaviour-change": "Behaviour change",
                    "relationships": "Relationships and communication", "self-esteem": "Self-esteem",
                    "other": "Other"}
GAS_LEVELS = {"-2": "-2, much less than expected", "-1": "-1, somewhat less than expected",
              "0": "0, the expected outcome", "1": "+1, somewhat more than expected",
              "2": "+2, much more than expected"}
# R4 has no no-show Encounter status: a session that did not take place ended before it began
ENCOUNTER_STATUS = {"attended": "finished", "no-show": "cancelled", "cancelled-late": "cancelled"}
ENCOUNTER_CLASS = {"in-person": ("AMB", "ambulatory"), "video": ("VR", "virtual"), "phone": ("VR", "virtual")}
PHQ9 = ("phq9", "44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]")
PHQ9_ITEM9 = ("44260-8", "Thoughts that you would be better off dead, or of hurting yourself in some way "
                         "in last 2 weeks [Reported.PHQ]")
GAD7 = ("gad7", "70274-6", "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]")
GAS_LEVEL = ("gas-level", "Goal Attainment Scaling level")
MILESTONE = ("milestone-reached", "Milestone reached")
_FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")


def goal(state) -> dict:
    """The goal (services.goals.domain.goal.Goal) as a FHIR Goal."""
    resource = {
        "resourceType": "Goal",
        "id": state.goal_id,
        "meta": {"versionId": str(state.version)},
        "lifecycleStatus": state.lifecycle_status,
        "achievementStatus": _concept(GOAL_ACHIEVEMENT, state.achievement_status,
                                      ACHIEVEMENT_DISPLAY[state.achievement_status]),
        "category": [_concept(GOAL_CATEGORY, "behavioral", "Behavioral"),
                     _concept(OUR_CATEGORIES, state.category, CATEGORY_DISPLAY[state.category])],
        "priority": _concept(GOAL_PRIORITY, f"{state.priority}-priority", PRIORITY_DISPLAY[state.priority]),
        "description": {"text": state.title},
        "subject": patient(state.client_id),
        "target": _outcome_targets(state) + [_milestone_target(m) for m in state.milestones],
        "note": _notes(state),
    }
    if state.created_at is not None:
        resource["startDate"] = state.created_at.date().isoformat()
    return {name: value for name, value in resource.items() if value != []}


def encounter(session) -> dict:
    """The session (shared.contract.events.SessionLogged) as a FHIR Encounter: booked time, class by modality."""
    code, display = ENCOUNTER_CLASS[session.modality]
    return {
        "resourceType": "Encounter",
        "id": session.session_id,
        "status": ENCOUNTER_STATUS[session.attendance],
        "class": {"system": ACT_CODE, "code": code, "display": display},
        "subject": patient(session.client_id),
        "period": {"start": session.occurred_at.isoformat(),
                   "end": (session.occurred_at + timedelta(minutes=session.duration_minutes)).isoformat()},
        "length": {"value": session.duration_minutes, "unit": "min", "system": UCUM, "code": "min"},
    }


def observations(session) -> list[dict]:
    """The session's PHQ-9 and GAD-7 totals and GAS ratings as FHIR Observations (a rating with `focus` on its goal)."""
    scores = session.measures
    found = []
    if scores.phq9 is not None:
        item9 = [] if scores.phq9_item9 is None else [
            {"code": _concept(LOINC, *PHQ9_ITEM9), "valueInteger": scores.phq9_item9}]
        found.append(_score(session, PHQ9, scores.phq9, item9))
    if scores.gad7 is not None:
        found.append(_score(session, GAD7, scores.gad7, []))
    found += [_rating(session, n, rated) for n, rated in enumerate(session.goals, start=1) if rated.rating is not None]
    return found


def client_bundle(goals, sessions, timestamp: datetime, base: str) -> dict:
    """A client's goals and sessions as a Bundle of type collection: the Goals, then each session's Encounter
    followed by its Observations. Each entry's fullUrl is `base`/type/id, so references resolve inside it."""
    resources = [goal(state) for state in goals]
    for session in sessions:
        resources += [encounter(session), *observations(session)]
    return {"resourceType": "Bundle", "type": "collection", "timestamp": timestamp.isoformat(),
            "entry": [{"fullUrl": f"{base}/{r['resourceType']}/{r['id']}", "resource": r} for r in resources]}


def patient(client_id: str) -> dict:
    """A reference to the client as a Patient: by id where it is a FHIR id, else by our identifier."""
    if _FHIR_ID.fullmatch(client_id):
        return {"reference": f"Patient/{client_id}"}
    return {"type": "Patient", "identifier": {"system": CLIENT_IDS, "value": client_id}}


def _outcome_targets(state) -> list[dict]:
    """What the goal aims at by its target date: its measure's target value, GAS level 0, or just the date."""
    due = {"dueDate": state.target_date.isoformat()} if state.target_date else {}
    targets = []
    if state.measure is not None:
        unit = {"unit": state.measure.unit} if state.measure.unit else {}
        quantity = {"value": _number(state.measure.target), **unit}
        targets.append({"measure": {"text": state.measure.name}, "detailQuantity": quantity, **due})
    if state.gas_levels is not None:
        targets.append({"measure": _concept(OUR_CODES, *GAS_LEVEL), "detailInteger": 0, **due})
    return targets or ([due] if due else [])


def _milestone_target(milestone) -> dict:
    target = {"id": milestone.milestone_id,
              "measure": {**_concept(OUR_CODES, *MILESTONE), "text": milestone.title}, "detailBoolean": True}
    if milestone.due_date is not None:
        target["dueDate"] = milestone.due_date.isoformat()
    if milestone.reached_at is not None:
        target["extension"] = [{"url": MILESTONE_REACHED_AT, "valueDateTime": milestone.reached_at.isoformat()}]
    return target


def _notes(state) -> list[dict]:
    """The goal's description, its measure's baseline and its GAS level texts, which Goal has no element for."""
    notes = [state.description] if state.description else []
    if state.measure is not None:
        notes.append(f"Baseline of the measure: {_number(state.measure.baseline)} {state.measure.unit or ''}".rstrip())
    levels = state.gas_levels or {}
    notes += [f"GAS level {GAS_LEVELS[level]}: {levels[level]}" for level in sorted(levels, key=int)]
    return [{"text": text} for text in notes]


def _score(session, kind: tuple[str, str, str], total: int, components: list[dict]) -> dict:
    name, code, display = kind
    resource = {**_observation(session, f"{session.session_id}-{name}"),
                "category": [_concept(OBSERVATION_CATEGORY, "survey", "Survey")],
                "code": _concept(LOINC, code, display), "valueInteger": total}
    return {**resource, "component": components} if components else resource


def _rating(session, position: int, rated) -> dict:
    return {**_observation(session, f"{session.session_id}-gas-{position}"),
            "code": _concept(OUR_CODES, *GAS_LEVEL), "focus": [{"reference": f"Goal/{rated.goal_id}"}],
            "valueInteger": rated.rating}


def _observation(session, observation_id: str) -> dict:
    return {"resourceType": "Observation", "id": observation_id, "status": "final",
            "subject": patient(session.client_id), "encounter": {"reference": f"Encounter/{session.session_id}"},
            "effectiveDateTime": session.occurred_at.isoformat()}


def _concept(system: str, code: str, display: str) -> dict:
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}


def _number(value: float) -> int | float:
    """A whole number without its ".0" (as it was most likely written)."""
    return int(value) if float(value).is_integer() else value
