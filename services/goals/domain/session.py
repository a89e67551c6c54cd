"""The Session aggregate: a logged therapy session, its state and its decision.

A session is logged once; logging the same ``session_id`` again is refused by
the event store's expected-version guard (version 0), not here.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from .errors import DurationOutOfRange, NextSessionNotAfterSession
from .rules import as_utc, integer_between, valid_choice, valid_id
from .session_inputs import valid_measures, valid_ratings
from shared.contract.events import SessionLogged
from shared.contract.vocabulary import ATTENDANCES, MODALITIES

LONGEST_SESSION_MINUTES = 600


@dataclass(frozen=True)
class Session(SessionLogged):
    """The session: what was logged; ``version`` counts its events."""
    version: int = 0

    @property
    def attended(self) -> bool:
        return self.attendance == "attended"


def fold(events: Iterable[SessionLogged]) -> Session | None:
    """The session after its events (None when there are none)."""
    session = None
    for event in events:
        session = apply(session, event)
    return session


def apply(session: Session | None, event: SessionLogged) -> Session:
    """The session after one more event; ``version`` counts the events applied."""
    changed = _APPLY[type(event)](session, event)
    return replace(changed, version=(session.version if session else 0) + 1)


def _logged(_, event: SessionLogged) -> Session:
    return Session(**vars(event))


_APPLY = {SessionLogged: _logged}


def log_session(
    session_id: str,
    client_id: str,
    clinician_id: str,
    occurred_at: datetime,
    duration_minutes: int,
    attendance: str,
    modality: str,
    goals: Iterable[tuple[str, int | None]] = (),
    phq9: int | None = None,
    phq9_item9: int | None = None,
    gad7: int | None = None,
    next_session_at: datetime | None = None,
) -> list[SessionLogged]:
    """A session that took place (or was missed); duration is the booked length."""
    occurred_at = as_utc(occurred_at, "occurred_at")
    attended = valid_choice(attendance, ATTENDANCES, "attendance") == "attended"
    return [SessionLogged(
        session_id=valid_id(session_id, "session_id"),
        client_id=valid_id(client_id, "client_id"),
        clinician_id=valid_id(clinician_id, "clinician_id"),
        occurred_at=occurred_at,
        duration_minutes=integer_between(
            duration_minutes, 1, LONGEST_SESSION_MINUTES, "duration_minutes", DurationOutOfRange
        ),
        attendance=attendance,
        modality=valid_choice(modality, MODALITIES, "modality"),
        goals=valid_ratings(goals, attended),
        measures=valid_measures(phq9, phq9_item9, gad7, attended),
        next_session_at=_next_session(next_session_at, occurred_at),
    )]


def _next_session(next_session_at: datetime | None, occurred_at: datetime) -> datetime | None:
    if next_session_at is None:
        return None
    next_session_at = as_utc(next_session_at, "next_session_at")
    if next_session_at <= occurred_at:
        raise NextSessionNotAfterSession(detail="a time after the session")
    return next_session_at
