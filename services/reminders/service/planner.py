"""The planner: requested subjects → reminders (run by the dispatcher before each delivery round).

Subjects are goals (milestone and practice reminders) and clients (session
reminders and the clinician's follow-ups). A subject is planned when a
request names it (a new fact, new preferences) or its practice horizon needs
extending. Subjects are planned in batches: a batch's facts and the clients'
effective preferences are read with one query per collection, the pure
domain makes each subject's plan (domain/plan.py), and the batch's plans are
written as one bulk (store/plans.py). A round plans batch after batch for at
most ``BUDGET``, so a backlog (a bulk import, a rebuild) drains at the
store's pace without holding deliveries up. One dispatcher plans at a time (store/planning.lead), so
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
from services.reminders.domain.preferences import Preferences
from services.reminders.store import facts, planning
from services.reminders.store.documents import REMINDERS
from services.reminders.store.planning import Subject
from services.reminders.store.plans import Scope, apply_plans
from services.reminders.store.preferences import PreferenceStore, to_preferences

log = logging.getLogger(__name__)
LEADERSHIP = timedelta(seconds=30)
HANDOVER = timedelta(seconds=2)  # a lease's holder stops planning this long before the lease runs out
RETRY_FAILED_PLAN = timedelta(minutes=5)
BATCH = 1000                     # requests (and due subjects) planned with one set of reads and one bulk write
BUDGET = timedelta(seconds=2)    # planning time per round, so that deliveries keep their pace during a backlog
SUBJECTS_PLANNED = Counter("reminders_subjects_planned_total", "Goals and clients planned", ["subject", "result"])


class Planner:
    def __init__(self, db, owner: str, period: timedelta = LEADERSHIP, budget: timedelta = BUDGET, batch: int = BATCH):
        self.db, self.owner, self.period, self.budget, self.batch = db, owner, period, budget, batch
        self.preferences = PreferenceStore(db)
        self.leading_until: datetime | None = None
        self.behind = False  # whether the last round left subjects to plan

    def plan_due(self, now: datetime) -> int:
        """Plan the requested subjects and those due for re-planning, batch after batch within the round's
        budget, if this planner leads; return how many were planned. `behind` says whether more was left."""
        self.behind = False
        if not self._leads(now):
            return 0
        started, planned = time.monotonic(), 0
        while self._may_write(now, started):
            requests = planning.requested(self.db, self.batch)
            due = planning.due_for_planning_again(self.db, now, self.batch)
            subjects = sorted({s for _, s in requests} | set(due))
            self.behind = bool(subjects)
            if not subjects or not self._plan(subjects, now, started):
                break
            planning.done(self.db, [request_id for request_id, _ in requests])
            planned += len(subjects)
            self.behind = len(requests) == self.batch or len(due) == self.batch
            if not self.behind or time.monotonic() - started >= self.budget.total_seconds():
                break
        return planned

    def _leads(self, now: datetime) -> bool:
        """Renew the planner's lease, or take it over if another's ran out; False while another holds it."""
        self.leading_until = planning.lead(self.db, self.owner, now, self.period)
        return self.leading_until is not None

    def _may_write(self, now: datetime, started: float) -> bool:
        """Whether the lease still has HANDOVER to run: past that, another dispatcher may take it over."""
        return self.leading_until is not None and now + timedelta(seconds=time.monotonic() - started) + HANDOVER < self.leading_until

    def _plan(self, subjects: list[Subject], now: datetime, started: float) -> bool:
        """Plan a batch: read its facts and preferences, plan each subject, write all; False if the lease
        ran short before the writes (nothing written)."""
        facts_docs = planning.facts_of(self.db, subjects)  # none: e.g. preferences of a client without facts yet
        values = self.preferences.merged_of({(s.clinic_id, s.client_id) for s in facts_docs})
        plans, again, failed = [], {}, set()
        for subject, doc in facts_docs.items():
            try:
                plan = self._planned(subject, doc, to_preferences(values[subject.clinic_id, subject.client_id]), now)
            except Exception:  # noqa: BLE001 - one bad subject must not stop the others; it is retried later
                log.exception("planning failed", extra={"subject": subject.kind, "clinic_id": subject.clinic_id})
                again[subject], failed = now + RETRY_FAILED_PLAN, failed | {subject}
                continue
            plans.append((Scope(subject.clinic_id, subject.plan_key), plan))
            again[subject] = plan.replan_at
        if not self._may_write(now, started):
            return False
        apply_plans(self.db[REMINDERS], plans, now)
        planning.plan_again_at(self.db, again)
        for subject in facts_docs:
            SUBJECTS_PLANNED.labels(subject.kind, "failed" if subject in failed else "planned").inc()
        return True

    @staticmethod
    def _planned(subject: Subject, doc: dict, prefs: Preferences, now: datetime) -> Plan:
        if subject.kind == "goal":
            return plan_goal(facts.goal_facts(doc), prefs, now)
        return plan_client(facts.client_facts(doc), prefs)
