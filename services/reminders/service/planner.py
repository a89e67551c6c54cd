"""The planner: requested subjects → reminders (run by the dispatcher before each delivery round).

Subjects are goals (milestone and practice reminders) and clients (session
reminders and the clinician's follow-ups). A subject is planned when a
request names it (a new fact, new preferences) or its practice horizon needs
extending. Planning reads the subject's facts and the client's effective
preferences, asks the pure domain for the plan (domain/plan.py) and writes it
(store/plans.py). One dispatcher plans at a time (store/planning.lead), so
two plans of one subject never interleave their writes: the holder renews
the planner's lease every round and stops planning ``HANDOVER`` before it
would run out; another dispatcher takes the lease over only once it has run
out (its holder stopped), so hosts whose clocks agree to within ``HANDOVER``
never plan at once.
"""
from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from prometheus_client import Counter

from services.reminders.domain.plan import Plan, plan_client, plan_goal
from services.reminders.store import facts, planning
from services.reminders.store.documents import REMINDERS
from services.reminders.store.planning import Subject
from services.reminders.store.plans import Scope, apply_plan
from services.reminders.store.preferences import PreferenceStore

log = logging.getLogger(__name__)
LEADERSHIP = timedelta(seconds=30)
HANDOVER = timedelta(seconds=2)  # a lease's holder stops planning this long before the lease runs out
RETRY_FAILED_PLAN = timedelta(minutes=5)
SUBJECTS_PLANNED = Counter("reminders_subjects_planned_total", "Goals and clients planned", ["subject", "result"])


class Planner:
    def __init__(self, db, owner: str, period: timedelta = LEADERSHIP):
        self.db, self.owner, self.period = db, owner, period
        self.preferences = PreferenceStore(db)
        self.leading_until: datetime | None = None

    def plan_due(self, now: datetime, limit: int = 500) -> int:
        """Plan the requested subjects and those due for re-planning, if this planner leads; return how many."""
        if not self._leads(now):
            return 0
        started, requests = time.monotonic(), planning.requested(self.db, limit)
        planned = set()
        for subject in sorted({s for _, s in requests} | set(planning.due_for_planning_again(self.db, now, limit))):
            if now + timedelta(seconds=time.monotonic() - started) + HANDOVER >= self.leading_until:
                break  # the lease is about to run out: another dispatcher may take it over
            self._plan(subject, now)
            planned.add(subject)
        planning.done(self.db, [request_id for request_id, subject in requests if subject in planned])
        return len(planned)

    def _leads(self, now: datetime) -> bool:
        """Renew the planner's lease, or take it over if another's ran out; False while another holds it."""
        self.leading_until = planning.lead(self.db, self.owner, now, self.period)
        return self.leading_until is not None

    def _plan(self, subject: Subject, now: datetime) -> None:
        collection, facts_id = subject.facts
        doc = self.db[collection].find_one({"_id": facts_id})
        if doc is None:  # e.g. new preferences of a client without goals or sessions yet
            return
        try:
            plan = self._planned(subject, doc, now)
            apply_plan(self.db[REMINDERS], Scope(subject.clinic_id, subject.plan_key), plan, now)
            planning.plan_again_at(self.db, subject, plan.replan_at)
            SUBJECTS_PLANNED.labels(subject.kind, "planned").inc()
        except Exception:  # noqa: BLE001 - one bad subject must not stop the others; it is retried later
            log.exception("planning failed", extra={"subject": subject.kind, "clinic_id": subject.clinic_id})  # no client id
            planning.plan_again_at(self.db, subject, now + RETRY_FAILED_PLAN)
            SUBJECTS_PLANNED.labels(subject.kind, "failed").inc()

    def _planned(self, subject: Subject, doc: dict, now: datetime) -> Plan:
        prefs = self.preferences.effective(subject.clinic_id, subject.client_id).preferences
        if subject.kind == "goal":
            return plan_goal(facts.goal_facts(doc), prefs, now)
        return plan_client(facts.client_facts(doc), prefs)
