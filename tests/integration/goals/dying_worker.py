"""A goals API worker that is killed (SIGKILL) right after the event store stored a command's events.

    python -m tests.integration.goals.dying_worker <database prefix> <jwt secret> <request as JSON>

The request is {"method", "path", "json", "headers"}. The process builds the real
app on the given database, sends the request through Flask's test client and
kills itself the moment the store's insert returns: what a worker that died
between its steps leaves behind, for the tests of test_goals_api_crash.py.
"""
from __future__ import annotations

import json
import os
import signal
import sys

from services.goals.app import create_app
from services.goals.settings import GoalsSettings
from shared.store.eventstore import EventStore


def die_after_append() -> None:
    append = EventStore.append

    def append_then_die(self, *args, **kwargs):
        append(self, *args, **kwargs)
        os.kill(os.getpid(), signal.SIGKILL)

    EventStore.append = append_then_die


def main(prefix: str, secret: str, request: str) -> None:
    call = json.loads(request)
    die_after_append()
    app = create_app(GoalsSettings(mongodb_db_prefix=prefix, jwt_secret=secret))
    response = app.test_client().open(call["path"], method=call["method"], json=call.get("json"),
                                      headers=call["headers"])
    print(response.status_code, response.get_data(as_text=True))  # only when nothing was stored


if __name__ == "__main__":
    main(*sys.argv[1:])
