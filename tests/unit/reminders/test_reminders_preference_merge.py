"""Effective preferences: platform defaults ← clinic defaults ← the client's own, field by field."""

from datetime import time, timedelta

import pytest

from services.reminders.domain.errors import InvalidPreferences
from services.reminders.store.preferences import DEFAULTS, effective, merged, to_preferences


def test_without_any_preferences_the_platform_defaults_apply():
    prefs = to_preferences(merged())
    assert (prefs.timezone, prefs.quiet_start, prefs.quiet_end) == ("UTC", time(22), time(7))
    assert prefs.session_offsets == (timedelta(hours=24), timedelta(hours=1))
    assert merged()["channels"] == ["webhook"] and merged()["webhook_url"] is None


def test_the_clients_values_override_the_clinics_which_override_the_defaults():
    clinic = {"timezone": "Europe/London", "session_offsets_minutes": [120], "webhook_url": "https://clinic.test/h"}
    client = {"timezone": "America/New_York", "quiet_start": None, "webhook_url": "https://client.test/h"}
    values = merged(clinic, client)

    assert values["timezone"] == "America/New_York"
    assert values["session_offsets_minutes"] == [120]
    assert values["webhook_url"] == "https://client.test/h"
    assert values["quiet_start"] == DEFAULTS["quiet_start"]  # null inherits
    assert effective(values).preferences.session_offsets == (timedelta(minutes=120),)


@pytest.mark.parametrize("values, field", [
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"quiet_start": "07:00", "quiet_end": "07:00"}, "quiet_end"),
    ({"session_offsets_minutes": [60, 60]}, "session_offsets_minutes"),
])
def test_an_unusable_combination_names_the_api_field(values, field):
    with pytest.raises(InvalidPreferences) as caught:
        to_preferences(merged(values))
    assert caught.value.field == field
