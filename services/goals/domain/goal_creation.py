"""Setting a goal: the ``create_goal`` decision and the checks of what it is set with.

The Goal's other decisions, and its state, are in ``goal``.
"""

import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import date

from .errors import IncompleteGasLevels, IncompleteMeasure, InvalidRecurrenceRule, TargetEqualsBaseline
from .rules import not_in_past, valid_choice, valid_id, valid_number, valid_text
from shared.contract.events import GoalCreated, Measure, PlannedMilestone
from shared.domain import recurrence
from shared.contract.vocabulary import CATEGORIES, GAS_KEYS, PRIORITIES

TITLE_MAX = 200
DESCRIPTION_MAX = 2000
GAS_LEVEL_MAX = 500
RRULE_MAX = 500


def create_goal(
    goal_id: str,
    client_id: str,
    clinician_id: str,
    title: str,
    description: str,
    category: str,
    priority: str | None,
    target_date: date,
    today: date,
    *,
    measure: Mapping | None = None,
    milestones: Iterable[Mapping] = (),
    gas_levels: Mapping | None = None,
    practice_rrule: str | None = None,
    new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
) -> list[GoalCreated]:
    """A new active, in-progress goal; ``priority`` None means medium.

    ``measure`` is ``{"name", "baseline", "target", "unit"}``; each milestone is
    ``{"title", "due_date"}`` and gets its id from ``new_id``.
    """
    return [GoalCreated(
        goal_id=valid_id(goal_id, "goal_id"),
        client_id=valid_id(client_id, "client_id"),
        clinician_id=valid_id(clinician_id, "clinician_id"),
        title=valid_text(title, "title", TITLE_MAX),
        description=valid_text(description, "description", DESCRIPTION_MAX, may_be_blank=True),
        category=valid_choice(category, CATEGORIES, "category"),
        priority=valid_choice(priority or "medium", PRIORITIES, "priority"),
        measure=valid_measure(measure),
        target_date=not_in_past(target_date, today, "target_date"),
        lifecycle_status="active",
        achievement_status="in-progress",
        milestones=planned_milestones(milestones, today, new_id),
        gas_levels=valid_gas_levels(gas_levels),
        practice_rrule=valid_rrule(practice_rrule),
    )]


MEASURE_KEYS = ("name", "baseline", "target", "unit")


def valid_measure(measure: Mapping | None) -> Measure | None:
    if measure is None:
        return None
    if not isinstance(measure, Mapping) or not set(MEASURE_KEYS) <= set(measure):
        raise IncompleteMeasure(detail="a name, baseline, target and unit")
    checked = Measure(
        name=valid_text(measure.get("name"), "measure.name", 100),
        baseline=valid_number(measure.get("baseline"), "measure.baseline"),
        target=valid_number(measure.get("target"), "measure.target"),
        unit=valid_text(measure.get("unit"), "measure.unit", 30),
    )
    if checked.baseline == checked.target:
        raise TargetEqualsBaseline(detail="a target different from the baseline")
    return checked


def planned_milestones(
    specs: Iterable[Mapping], today: date, new_id: Callable[[], str]
) -> tuple[PlannedMilestone, ...]:
    """Milestones from ``{"title", "due_date"}`` mappings, each given a new id."""
    planned = tuple(_planned(i, spec, today, new_id) for i, spec in enumerate(specs))
    if len({milestone.milestone_id for milestone in planned}) != len(planned):
        raise ValueError("new_id returned the same milestone id twice")
    return planned


def _planned(index: int, spec: Mapping, today: date, new_id) -> PlannedMilestone:
    at = f"milestones[{index}]"
    return PlannedMilestone(
        title=valid_text(spec.get("title"), f"{at}.title", TITLE_MAX),
        due_date=not_in_past(spec.get("due_date"), today, f"{at}.due_date"),
        milestone_id=valid_id(new_id(), f"{at}.milestone_id"),
    )


def valid_gas_levels(levels: Mapping | None) -> dict[str, str] | None:
    """All five levels, each described, in the order -2 .. 2."""
    if levels is None:
        return None
    if not isinstance(levels, Mapping) or set(levels) != set(GAS_KEYS):
        raise IncompleteGasLevels(detail='exactly the levels "-2", "-1", "0", "1", "2"')
    return {
        key: valid_text(levels[key], f"gas_levels.{key}", GAS_LEVEL_MAX)
        for key in GAS_KEYS
    }


def valid_rrule(rule: str | None) -> str | None:
    """The practice rule, checked by the one RFC 5545 validation the reminders service shares."""
    if rule is None:
        return None
    rule = valid_text(rule, "practice_rrule", RRULE_MAX)
    try:
        return recurrence.validate_rrule(rule)
    except recurrence.InvalidRecurrence as error:
        raise InvalidRecurrenceRule(detail=error.detail) from None
