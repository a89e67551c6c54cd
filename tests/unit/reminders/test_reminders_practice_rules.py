"""Practice reminders: an RRULE expanded in local wall-clock time, then converted to UTC."""

from datetime import date, datetime, time, timezone

import pytest

from services.reminders.domain.errors import InvalidFact, InvalidRRule
from services.reminders.domain.practice import validate_practice_rrule
from services.reminders.domain.preferences import Preferences
from services.reminders.domain.rules import practice_reminders

UTC = timezone.utc
LONDON = Preferences(timezone="Europe/London")
NEW_YORK = Preferences(timezone="America/New_York")


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def due(prefs, rule, start, end, dtstart=date(2026, 1, 1)):
    return [r.due_at for r in practice_reminders("g1", "c1", rule, dtstart, prefs, start, end)]


def test_a_daily_9am_practice_reminder_stays_at_09_00_across_london_spring_forward():
    assert due(LONDON, "FREQ=DAILY", utc(2026, 3, 28), utc(2026, 3, 31)) == [
        utc(2026, 3, 28, 9), utc(2026, 3, 29, 8), utc(2026, 3, 30, 8)]


def test_a_daily_9am_practice_reminder_stays_at_09_00_across_london_fall_back():
    assert due(LONDON, "FREQ=DAILY", utc(2026, 10, 24), utc(2026, 10, 27)) == [
        utc(2026, 10, 24, 8), utc(2026, 10, 25, 9), utc(2026, 10, 26, 9)]


def test_a_daily_9am_practice_reminder_stays_at_09_00_across_new_york_spring_forward():
    assert due(NEW_YORK, "FREQ=DAILY", utc(2026, 3, 7), utc(2026, 3, 10)) == [
        utc(2026, 3, 7, 14), utc(2026, 3, 8, 13), utc(2026, 3, 9, 13)]


def test_a_daily_9am_practice_reminder_stays_at_09_00_across_new_york_fall_back():
    assert due(NEW_YORK, "FREQ=DAILY", utc(2026, 10, 31), utc(2026, 11, 3)) == [
        utc(2026, 10, 31, 13), utc(2026, 11, 1, 14), utc(2026, 11, 2, 14)]


def test_the_local_send_time_anchors_the_rule():
    prefs = Preferences(timezone="Europe/London", local_send_time=time(18, 30))
    assert due(prefs, "FREQ=DAILY", utc(2026, 1, 10), utc(2026, 1, 11)) == [utc(2026, 1, 10, 18, 30)]


def test_byhour_and_byminute_in_the_rule_override_the_send_time():
    assert due(LONDON, "FREQ=DAILY;BYHOUR=18;BYMINUTE=15", utc(2026, 7, 1), utc(2026, 7, 2)) == [
        utc(2026, 7, 1, 17, 15)]
    assert due(LONDON, "FREQ=DAILY;BYHOUR=8,20", utc(2026, 1, 1), utc(2026, 1, 2)) == [
        utc(2026, 1, 1, 8), utc(2026, 1, 1, 20)]


def test_byhour_without_byminute_means_on_the_hour_even_with_a_half_past_send_time():
    prefs = Preferences(timezone="UTC", local_send_time=time(9, 30))
    assert due(prefs, "FREQ=DAILY;BYHOUR=18", utc(2026, 1, 1), utc(2026, 1, 2)) == [utc(2026, 1, 1, 18, 0)]


def test_byminute_alone_keeps_the_send_hour():
    assert due(Preferences(), "FREQ=DAILY;BYMINUTE=45", utc(2026, 1, 1), utc(2026, 1, 2)) == [utc(2026, 1, 1, 9, 45)]


def test_an_occurrence_in_the_spring_forward_gap_moves_to_the_end_of_the_gap():
    prefs = Preferences(timezone="Europe/London", quiet_start=None, quiet_end=None)
    # 01:30 on 29 March does not exist in London: it fires at 02:00 BST (01:00Z).
    assert due(prefs, "FREQ=DAILY;BYHOUR=1;BYMINUTE=30", utc(2026, 3, 28), utc(2026, 3, 31)) == [
        utc(2026, 3, 28, 1, 30), utc(2026, 3, 29, 1, 0), utc(2026, 3, 30, 0, 30)]


def test_an_occurrence_in_the_repeated_hour_happens_once_at_its_first_occurrence():
    prefs = Preferences(timezone="Europe/London", quiet_start=None, quiet_end=None)
    assert due(prefs, "FREQ=DAILY;BYHOUR=1;BYMINUTE=30", utc(2026, 10, 25), utc(2026, 10, 26)) == [
        utc(2026, 10, 25, 0, 30)]


def test_a_weekly_rule_picks_the_named_days():
    # 5 Jan 2026 is a Monday.
    assert due(LONDON, "RRULE:FREQ=WEEKLY;BYDAY=MO,TH", utc(2026, 1, 5), utc(2026, 1, 12)) == [
        utc(2026, 1, 5, 9), utc(2026, 1, 8, 9)]


def test_only_occurrences_inside_the_half_open_window_are_returned():
    assert due(LONDON, "FREQ=DAILY", utc(2026, 1, 10, 9), utc(2026, 1, 12, 9)) == [
        utc(2026, 1, 10, 9), utc(2026, 1, 11, 9)]
    assert due(LONDON, "FREQ=DAILY", utc(2026, 1, 10, 9), utc(2026, 1, 10, 9)) == []


def test_nothing_happens_before_the_start_date():
    assert due(LONDON, "FREQ=DAILY", utc(2026, 1, 1), utc(2026, 1, 10), dtstart=date(2026, 1, 8)) == [
        utc(2026, 1, 8, 9), utc(2026, 1, 9, 9)]


def test_count_is_counted_from_the_start_date_not_from_the_window():
    assert due(LONDON, "FREQ=DAILY;COUNT=5", utc(2026, 1, 4), utc(2026, 2, 1)) == [
        utc(2026, 1, 4, 9), utc(2026, 1, 5, 9)]


def test_a_utc_until_is_honoured_in_the_clients_zone():
    # UNTIL 08:00Z on 29 March is 09:00 BST: that day's reminder is the last one.
    assert due(LONDON, "FREQ=DAILY;UNTIL=20260329T080000Z", utc(2026, 3, 27), utc(2026, 4, 5)) == [
        utc(2026, 3, 27, 9), utc(2026, 3, 28, 9), utc(2026, 3, 29, 8)]


def test_a_local_until_is_honoured_as_wall_clock_time():
    assert due(LONDON, "FREQ=DAILY;UNTIL=20260110T090000", utc(2026, 1, 8), utc(2026, 1, 20)) == [
        utc(2026, 1, 8, 9), utc(2026, 1, 9, 9), utc(2026, 1, 10, 9)]


def test_a_practice_reminder_in_quiet_hours_is_held_but_keeps_its_window_and_id():
    held = practice_reminders("g1", "c1", "FREQ=DAILY;BYHOUR=23;BYMINUTE=0", date(2026, 1, 1), LONDON,
                              utc(2026, 1, 10), utc(2026, 1, 11))
    assert [r.due_at for r in held] == [utc(2026, 1, 11, 7)]
    free = Preferences(timezone="Europe/London", quiet_start=None, quiet_end=None)
    unheld = practice_reminders("g1", "c1", "FREQ=DAILY;BYHOUR=23;BYMINUTE=0", date(2026, 1, 1), free,
                                utc(2026, 1, 10), utc(2026, 1, 11))
    assert [r.reminder_id for r in held] == [r.reminder_id for r in unheld]


def test_overlapping_windows_give_the_same_ids_for_the_same_occurrences():
    first = practice_reminders("g1", "c1", "FREQ=DAILY", date(2026, 1, 1), LONDON, utc(2026, 1, 1), utc(2026, 1, 8))
    again = practice_reminders("g1", "c1", "FREQ=DAILY", date(2026, 1, 1), LONDON, utc(2026, 1, 5), utc(2026, 1, 12))
    shared = {r.reminder_id for r in first} & {r.reminder_id for r in again}
    assert len(shared) == 3  # 5, 6 and 7 January
    assert {(r.kind, r.goal_id, r.recipient) for r in first} == {("practice", "g1", "client")}


@pytest.mark.parametrize("bad", [
    "", "   ", "not a rule", "FREQ=SOMETIMES", "FREQ=DAILY;BYHOUR=25", "FREQ=DAILY;COUNT=x",
    "FREQ=WEEKLY;BYDAY=XX", "FREQ=MINUTELY", "FREQ=SECONDLY", "FREQ=DAILY;INTERVAL=0",
    "FREQ=DAILY;COUNT=3;UNTIL=20260110", "FREQ=DAILY;UNTIL=2026",
    "DTSTART:20260101T090000\nRRULE:FREQ=DAILY", "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", None, 42,
])
def test_an_invalid_rrule_raises_a_named_error_for_the_practice_rrule_field(bad):
    with pytest.raises(InvalidRRule) as caught:
        practice_reminders("g1", "c1", bad, date(2026, 1, 1), LONDON, utc(2026, 1, 1), utc(2026, 1, 8))
    assert (caught.value.field, caught.value.code) == ("practice_rrule", "invalid-rrule")


def test_validate_practice_rrule_accepts_good_rules_and_rejects_bad_ones():
    validate_practice_rrule("FREQ=WEEKLY;BYDAY=MO,WE,FR")
    validate_practice_rrule("rrule:freq=monthly;bymonthday=31")
    with pytest.raises(InvalidRRule):
        validate_practice_rrule("FREQ=HOURLY;BYMONTH=4;BYMONTHDAY=31")


def test_a_naive_or_reversed_window_is_rejected():
    with pytest.raises(InvalidFact) as caught:
        practice_reminders("g1", "c1", "FREQ=DAILY", date(2026, 1, 1), LONDON, datetime(2026, 1, 1), utc(2026, 1, 8))
    assert caught.value.field == "window_start_utc"
    with pytest.raises(InvalidFact) as caught:
        practice_reminders("g1", "c1", "FREQ=DAILY", date(2026, 1, 1), LONDON, utc(2026, 1, 8), utc(2026, 1, 1))
    assert caught.value.field == "window_end_utc"
