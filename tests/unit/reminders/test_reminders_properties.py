"""Properties that must hold for any instant, zone and quiet window (hypothesis)."""

from datetime import datetime, time, timedelta, timezone

import pytest

pytest.importorskip("hypothesis")  # arrives with schemathesis in requirements-dev.txt

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from services.reminders.domain.localtime import (hold_for_quiet_hours, in_quiet_hours,  # noqa: E402
                                                 local_to_utc, utc_to_local)
from services.reminders.domain.preferences import Preferences  # noqa: E402
from services.reminders.domain.rules import session_reminders  # noqa: E402

UTC = timezone.utc
ZONES = ["UTC", "Europe/London", "America/New_York", "Australia/Lord_Howe", "America/Santiago",
         "Pacific/Apia", "Asia/Kolkata", "America/St_Johns", "Europe/Dublin"]

instants = st.datetimes(min_value=datetime(2010, 1, 1), max_value=datetime(2035, 12, 31)).map(
    lambda d: d.replace(tzinfo=UTC))
quarter_hours = st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))


@st.composite
def preferences(draw):
    start, end = draw(quarter_hours), draw(quarter_hours)
    if start == end:
        start, end = None, None
    return Preferences(timezone=draw(st.sampled_from(ZONES)), quiet_start=start, quiet_end=end)


@settings(max_examples=400, deadline=None, database=None)
@given(instants, preferences())
def test_holding_never_moves_a_reminder_earlier_nor_more_than_a_day_and_ends_outside_quiet_hours(due, prefs):
    held = hold_for_quiet_hours(due, prefs)
    assert due <= held <= due + timedelta(hours=26)
    if not in_quiet_hours(utc_to_local(due, prefs.zone).time(), prefs):
        assert held == due
    else:
        assert not in_quiet_hours(utc_to_local(held, prefs.zone).time(), prefs)


@settings(max_examples=400, deadline=None, database=None)
@given(st.datetimes(min_value=datetime(2010, 1, 1), max_value=datetime(2035, 12, 31)),
       st.sampled_from(ZONES))
def test_local_to_utc_round_trips_or_moves_forward_by_less_than_the_gap(local, zone_key):
    prefs = Preferences(timezone=zone_key)
    instant = local_to_utc(local, prefs.zone)
    back = utc_to_local(instant, prefs.zone)
    assert local <= back <= local + timedelta(hours=24)  # Apia skipped a whole day in 2011
    if back != local:  # only for wall times in a gap: the result is the gap's end
        assert utc_to_local(instant - timedelta(seconds=1), prefs.zone) < local


@settings(max_examples=300, deadline=None, database=None)
@given(instants, preferences(),
       st.lists(st.integers(1, 72 * 60), min_size=1, max_size=4, unique=True))
def test_session_reminders_are_always_before_the_session_and_outside_quiet_hours(session_at, prefs, minutes):
    prefs = Preferences(timezone=prefs.timezone, quiet_start=prefs.quiet_start, quiet_end=prefs.quiet_end,
                        session_offsets=tuple(timedelta(minutes=m) for m in minutes))
    for reminder in session_reminders("s1", "c1", session_at, prefs):
        assert reminder.due_at < session_at
        assert not in_quiet_hours(utc_to_local(reminder.due_at, prefs.zone).time(), prefs)
