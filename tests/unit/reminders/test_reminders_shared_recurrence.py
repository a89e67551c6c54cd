"""shared.domain.recurrence: the one RRULE check the goals and reminders services share."""

import pytest

from shared.domain.recurrence import InvalidRecurrence, validate_rrule


def test_a_valid_rule_comes_back_normalised():
    assert validate_rrule(" rrule:freq=weekly;byday=mo,we ") == "FREQ=WEEKLY;BYDAY=MO,WE"


@pytest.mark.parametrize("bad", ["", "FREQ=MINUTELY", "FREQ=DAILY;INTERVAL=0", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
                                 "DTSTART:20260101T090000\nRRULE:FREQ=DAILY", None])
def test_a_rule_the_reminders_cannot_expand_is_refused_for_the_practice_rrule_field(bad):
    with pytest.raises(InvalidRecurrence) as caught:
        validate_rrule(bad)
    assert (caught.value.field, caught.value.code) == ("practice_rrule", "invalid-rrule")
