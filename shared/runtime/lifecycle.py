"""Process lifecycle: SIGTERM and SIGINT only set a flag that the loops poll."""
from __future__ import annotations

import signal
import threading
from typing import Callable

Stop = Callable[[], bool]  # the stop condition a loop polls: a StopFlag, `never`, a test's own


class StopFlag:
    def __init__(self) -> None:
        self._event = threading.Event()

    def __call__(self) -> bool:
        return self._event.is_set()

    def set(self, *_signal: object) -> None:
        self._event.set()

    def wait(self, seconds: float) -> bool:
        return self._event.wait(seconds)


def never() -> bool:
    """The stop condition of a loop nobody stops (a test's single round, a benchmark)."""
    return False


def stop_on_signals() -> StopFlag:
    flag = StopFlag()
    signal.signal(signal.SIGTERM, flag.set)
    signal.signal(signal.SIGINT, flag.set)
    return flag
