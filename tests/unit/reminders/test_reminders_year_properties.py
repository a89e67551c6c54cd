"""A whole (leap) year of planning, in zones with and without DST: the promises people rely on (hypothesis).

Start dates are drawn from all of 2028, with the days around each zone's DST
transitions, every month's end and 29 February drawn more often. The
expectations are computed with zoneinfo directly (aware wall-clock datetimes),
not with the code under test. Each property states one promise of
docs/reminders.md:

* a daily practice reminder is at 09:00 local on every local day of the
  horizon, whatever DST does, and the horizon is planned again before it ends;
* quiet hours crossing midnight (22:00-07:00) hold a reminder until 07:00;
* session reminders are 24 h and 1 h of elapsed time before the session, never
  in quiet hours and never held to or past the session;
* milestone reminders are at 09:00 local two days before the due date and the
  day after it (month ends, leap day), the follow-up 14 local days after the
  last attended session;
* nothing planned in the past is deliverable: a reminder recorded for the
  first time is pending only while it is within its kind's grace period;
* planning the same facts again gives the same reminders, with the same ids.
"""

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from services.reminders.domain.delivery import too_late
from services.reminders.domain.facts import ClientFacts, GoalFacts, MilestoneFact, SessionFact
from services.reminders.domain.plan import PRACTICE_HORIZON, PRACTICE_LOOKBACK, REPLAN_MARGIN, plan_client, plan_goal
from services.reminders.domain.preferences import Preferences
from services.reminders.store.plans import Scope, new_document

UTC = timezone.utc
YEAR = 2028  # a leap year
ZONES = ("Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata")
NINE, QUIET_START, QUIET_END = time(9, 0), time(22, 0), time(7, 0)
LONGEST_NIGHT = timedelta(hours=10)  # 22:00-07:00 on the night clocks go back


def _days_of(year: int) -> list[date]:
    return [date(year, 1, 1) + timedelta(days=n) for n in range((date(year + 1, 1, 1) - date(year, 1, 1)).days)]


def _dst_changes(zone: ZoneInfo, year: int) -> list[date]:
    """Days whose noon has another UTC offset than the day before's."""
    def offset(day):
        return datetime.combine(day, time(12), zone).utcoffset()
    return [day for day in _days_of(year) if offset(day) != offset(day - timedelta(days=1))]


def _special_days() -> list[date]:
    around_dst = {day + timedelta(days=n) for key in ZONES for day in _dst_changes(ZoneInfo(key), YEAR)
                  for n in (-2, -1, 0, 1)}
    month_ends = {day for day in _days_of(YEAR) if (day + timedelta(days=1)).day == 1}
    return sorted(around_dst | month_ends | {date(YEAR, 2, 28), date(YEAR, 2, 29), date(YEAR, 3, 1)})


SPECIAL_DAYS = _special_days()
days = st.one_of(st.sampled_from(SPECIAL_DAYS), st.dates(date(YEAR, 1, 1), date(YEAR, 12, 31)))
zones = st.sampled_from(ZONES)
wall_times = st.builds(time, st.integers(0, 23), st.sampled_from([0, 1, 15, 30, 59]))


def local(day: date, at: time, key: str) -> datetime:
    """The UTC instant of a wall-clock time that exists on `day` (zoneinfo's own reading)."""
    return datetime.combine(day, at, ZoneInfo(key)).astimezone(UTC)


def wall(instant: datetime, key: str) -> datetime:
    return instant.astimezone(ZoneInfo(key)).replace(tzinfo=None)


def quiet(instant: datetime, key: str) -> bool:
    at = wall(instant, key).time()
    return at >= QUIET_START or at < QUIET_END


def test_the_drawn_days_include_every_dst_change_of_the_zones_and_the_leap_day():
    changes = {key: _dst_changes(ZoneInfo(key), YEAR) for key in ZONES}
    assert {key: len(found) for key, found in changes.items()} == {
        "Europe/London": 2, "America/New_York": 2, "Australia/Sydney": 2, "Asia/Kolkata": 0}
    assert set(sum(changes.values(), [])) | {date(YEAR, 2, 29)} <= set(SPECIAL_DAYS)


def practice_goal(created_at: datetime) -> GoalFacts:
    return GoalFacts("g1", "c1", "active", created_at, practice_rrule="FREQ=DAILY", source="e1")


@settings(max_examples=150, deadline=None, database=None)
@given(days, wall_times, zones)
def test_a_daily_practice_reminder_is_at_nine_local_on_every_day_of_the_horizon(day, at, key):
    now = local(day, at, key)
    plan = plan_goal(practice_goal(now - timedelta(days=30)), Preferences(timezone=key), now)
    practice = [p.reminder for p in plan.planned if p.reminder.kind == "practice"]

    first_day = wall(now - PRACTICE_LOOKBACK, key).date() - timedelta(days=1)
    expected = [local(first_day + timedelta(days=n), NINE, key) for n in range(20)]
    expected = [moment for moment in expected if now - PRACTICE_LOOKBACK <= moment < now + PRACTICE_HORIZON]
    assert [r.original_due_at for r in practice] == expected
    assert {wall(r.due_at, key).time() for r in practice} == {NINE}  # 09:00 is outside quiet hours: not held
    assert plan.replan_at == now + PRACTICE_HORIZON - REPLAN_MARGIN


@settings(max_examples=100, deadline=None, database=None)
@given(days, zones, st.sampled_from([time(22, 0), time(23, 30), time(0, 0), time(3, 15), time(6, 59)]))
def test_quiet_hours_across_midnight_hold_a_practice_reminder_until_they_end(day, key, send_at):
    now = local(day, time(12), key)
    prefs = Preferences(timezone=key, local_send_time=send_at)
    practice = [p.reminder for p in plan_goal(practice_goal(now - timedelta(days=30)), prefs, now).planned]

    assert len(practice) >= 15  # two days back, two weeks ahead
    for reminder in practice:
        original = wall(reminder.original_due_at, key)
        held_until = original.date() + timedelta(days=1 if original.time() >= QUIET_START else 0)
        assert original.time() == send_at
        assert reminder.due_at == local(held_until, QUIET_END, key)


@settings(max_examples=200, deadline=None, database=None)
@given(days, wall_times, zones)
def test_session_reminders_are_24_h_and_1_h_before_outside_quiet_hours_and_before_the_session(day, at, key):
    session_at = local(day, at, key)
    facts = ClientFacts("c1", (SessionFact("s0", session_at - timedelta(days=7), True, session_at, "e1"),))
    sessions = [p.reminder for p in plan_client(facts, Preferences(timezone=key)).planned
                if p.reminder.kind == "session"]

    assert sorted(session_at - r.original_due_at for r in sessions) == [timedelta(hours=1), timedelta(hours=24)]
    for reminder in sessions:
        original = reminder.original_due_at
        assert reminder.due_at < session_at and not quiet(reminder.due_at, key)
        if not quiet(original, key):
            assert reminder.due_at == original
        elif reminder.due_at > original:  # held to the end of the quiet period, still before the session
            assert wall(reminder.due_at, key).time() == QUIET_END
            assert reminder.due_at - original <= LONGEST_NIGHT
        else:  # the end would be at or past the session: one minute before that quiet period began
            assert wall(reminder.due_at, key).time() == time(21, 59)
            assert original - reminder.due_at <= LONGEST_NIGHT + timedelta(minutes=1)


@settings(max_examples=150, deadline=None, database=None)
@given(days, zones)
def test_milestone_reminders_fall_at_nine_local_two_days_before_and_the_day_after_across_month_ends(due, key):
    facts = GoalFacts("g1", "c1", "active", local(due, NINE, key) - timedelta(days=60),
                      (MilestoneFact("m1", due, source="e1"),))
    planned = plan_goal(facts, Preferences(timezone=key), facts.created_at).planned
    reminders = {p.reminder.kind: p.reminder for p in planned}

    assert reminders["milestone-due"].due_at == local(due - timedelta(days=2), NINE, key)
    assert reminders["milestone-overdue"].due_at == local(due + timedelta(days=1), NINE, key)


def test_the_leap_day_and_the_turn_of_the_year_are_days_like_any_other():
    def milestone_days(due):
        """(due-soon day, overdue day) in London."""
        set_at = datetime(2027, 1, 1, tzinfo=UTC)
        facts = GoalFacts("g1", "c1", "active", set_at, (MilestoneFact("m1", due),))
        planned = {p.reminder.kind: p.reminder for p in plan_goal(facts, Preferences(timezone="Europe/London"),
                                                                  set_at).planned}
        return tuple(wall(planned[kind].due_at, "Europe/London").date() for kind in ("milestone-due",
                                                                                  "milestone-overdue"))

    assert milestone_days(date(2028, 2, 28)) == (date(2028, 2, 26), date(2028, 2, 29))
    assert milestone_days(date(2028, 3, 1)) == (date(2028, 2, 28), date(2028, 3, 2))
    assert milestone_days(date(2028, 12, 31)) == (date(2028, 12, 29), date(2029, 1, 1))


@settings(max_examples=150, deadline=None, database=None)
@given(days, zones)
def test_the_follow_up_prompt_is_fourteen_local_days_after_the_last_attended_session_at_nine(day, key):
    attended_at = local(day, time(18, 30), key)
    facts = ClientFacts("c1", (SessionFact("s1", attended_at, True, None, "e1"),))
    [follow_up] = [p.reminder for p in plan_client(facts, Preferences(timezone=key)).planned]

    assert (follow_up.kind, follow_up.recipient) == ("follow-up", "clinician")
    assert follow_up.due_at == local(day + timedelta(days=14), NINE, key)


@st.composite
def histories(draw):
    """A zone, an instant of the year, and a goal and sessions around it (some long past, some ahead)."""
    key, day, at = draw(zones), draw(days), draw(wall_times)
    now = local(day, time(12), key) + timedelta(hours=at.hour, minutes=at.minute)
    offsets = st.integers(-40 * 24 * 60, 20 * 24 * 60).map(lambda minutes: timedelta(minutes=minutes))
    milestones = tuple(MilestoneFact(f"m{n}", (now + draw(offsets)).date(), source="e1") for n in range(3))
    goal = GoalFacts("g1", "c1", "active", now - timedelta(days=draw(st.integers(0, 45))), milestones,
                     draw(st.sampled_from([None, "FREQ=DAILY", "FREQ=WEEKLY;BYDAY=MO,TH", "FREQ=DAILY;BYHOUR=21"])),
                     "e1")
    occurred = sorted(now + draw(offsets) for _ in range(draw(st.integers(1, 4))))
    sessions = tuple(SessionFact(f"s{n}", moment, draw(st.booleans()),
                                 moment + draw(st.sampled_from([timedelta(days=7), timedelta(hours=25)])), "e1")
                     for n, moment in enumerate(m for m in occurred if m <= now))
    return key, now, goal, ClientFacts("c1", sessions)


@settings(max_examples=150, deadline=None, database=None)
@given(histories())
def test_nothing_planned_past_its_grace_period_is_recorded_deliverable(history):
    key, now, goal, client = history
    prefs = Preferences(timezone=key)
    plans = [("goal:g1", plan_goal(goal, prefs, now)), ("client:c1", plan_client(client, prefs))]

    for plan_key, plan in plans:
        for entry in (p for p in plan.planned if p.deliverable):
            status = new_document(entry, Scope("clinic-1", plan_key), now)["status"]
            assert status == ("expired" if too_late(entry.reminder.kind, entry.reminder.due_at, now) else "pending")
            if entry.reminder.kind == "practice":
                assert entry.reminder.original_due_at >= now - PRACTICE_LOOKBACK


@settings(max_examples=100, deadline=None, database=None)
@given(histories(), st.integers(1, 24 * 60))
def test_planning_again_later_gives_the_same_ids_for_the_same_reminders(history, minutes):
    key, now, goal, client = history
    prefs, later = Preferences(timezone=key), now + timedelta(minutes=minutes)

    def by_id(plan):
        return {p.reminder.reminder_id: p.reminder for p in plan.planned}

    assert by_id(plan_client(client, prefs)) == by_id(plan_client(client, prefs))
    first, again = by_id(plan_goal(goal, prefs, now)), by_id(plan_goal(goal, prefs, later))
    both = first.keys() & again.keys()
    assert {first[rid] for rid in both} == {again[rid] for rid in both}
    overlap = [r for r in first.values() if later - PRACTICE_LOOKBACK <= r.original_due_at < now + PRACTICE_HORIZON]
    assert {r.reminder_id for r in overlap} <= set(again)
