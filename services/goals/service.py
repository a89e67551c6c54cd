"""The goals service's use cases. Each one loads a stream, lets the domain decide, and saves.

The caller (the HTTP edge) passes the `Actor` (clinic and user from the token),
validated inputs, and optionally the versions it expects (If-Match). A command
is first decided on this process's cached stream when there is one; if that
decision fails in any way, or finds nothing to change, it is taken again on a
fresh load, so only the store's state ever refuses a command or leaves it
unchanged. Without an expectation, a command that lost a race to another writer
is decided again on the new state (nothing is lost; invariants still hold); with
one, the caller hears 412 (stale) or 409 (lost race).

A request with an Idempotency-Key (the actor's `request`) runs at most once: its
commit carries the request, and when the store already holds that commit the
command is not decided again, it answers the state that commit left (`applied`).
The listing read model is written after the append, and every listing first
writes what a worker that died in between left out (`_listing_caught_up`).

A client's record (`client_record`, the FHIR export's one read) is every goal of the
client, each folded from its stream, and every session, from the listing read model.

A client's sharing with partners is a stream of its own per clinic and client
(store/streams.py `sharing_stream_id`), always decided on a fresh load; no read
model shows it, a GET folds the stream.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import reduce

from services.goals.domain import goal as goals
from services.goals.domain import goal_creation
from services.goals.domain import session as sessions
from services.goals.domain import sharing
from services.goals.domain.rules import valid_id
from services.goals.domain.errors import ClientNotFound, GoalNotFound, SessionNotFound, StaleVersion
from services.goals.domain.errors import UnknownGoalOfClient
from services.goals.store.streams import Stream, sharing_stream_id
from shared.contract.events import GoalCreated, SessionLogged
from shared.domain.errors import DomainError
from shared.domain.time import Clock, instant, utc_now
from shared.store.eventstore import AlreadyApplied, ConcurrencyConflict, Request, commit_id

ATTEMPTS = 8


@dataclass(frozen=True)
class Actor:
    clinic_id: str
    user_id: str
    correlation_id: str | None = None
    request: Request | None = None   # the request's Idempotency-Key (api/idempotency.py)
    applied: Stream | None = None    # what the store holds of a request with that key: the stream it left


@dataclass(frozen=True)
class ClientRecord:
    """What the clinic holds of a client: their goals (current state, newest first) and sessions (latest first)."""
    client_id: str
    goals: tuple[goals.Goal, ...]
    sessions: tuple[SessionLogged, ...]


def _with_clinician(actor: Actor, command: dict) -> dict:
    """The command with its clinician: the one named, else the signed-in user."""
    return {**command, "clinician_id": command.get("clinician_id") or actor.user_id}


class GoalsService:
    def __init__(self, streams, read_model, clock: Clock = utc_now):
        """`streams` is a CachedStreams (store/stream_cache.py); capacity 0 caches nothing."""
        self.streams, self.read_model, self.clock = streams, read_model, clock

    def today(self) -> date:
        """The earliest date anywhere on Earth now (UTC-12): 'in the past' means past everywhere."""
        return (self.clock() - timedelta(hours=12)).date()

    # --- goals ---------------------------------------------------------------

    def applied(self, clinic_id: str, request: Request) -> Stream | None:
        """The stream as a request with this key stored it, or None (IdempotencyKeyReused for another request)."""
        return self.streams.applied(clinic_id, request)

    def create_goal(self, actor: Actor, goal_id: str, command: dict):
        return self._once(actor, self._goal, lambda: self._save_goal(actor, None, None, goal_creation.create_goal(
            goal_id=goal_id, today=self.today(), **_with_clinician(actor, command))))

    def add_milestone(self, actor: Actor, goal_id: str, milestone_id: str, command: dict, expected=None):
        return self._change_goal(actor, goal_id, expected, lambda goal: goals.add_milestone(
            goal, milestone_id, command["title"], command["due_date"], self.today()))

    def reach_milestone(self, actor: Actor, goal_id: str, milestone_id: str, reached_at=None, expected=None):
        moment = reached_at or self.clock()
        return self._change_goal(actor, goal_id, expected,
                                 lambda goal: goals.reach_milestone(goal, milestone_id, moment))

    def change_status(self, actor: Actor, goal_id: str, command: dict, expected=None):
        return self._change_goal(actor, goal_id, expected, lambda goal: goals.change_status(goal, **command))

    def revise_goal(self, actor: Actor, goal_id: str, patch: dict, expected=None):
        """Revise the goal by a merge patch; its GAS levels only while no session has rated it."""
        return self._change_goal(actor, goal_id, expected, lambda goal: goals.revise(
            goal, patch, self.today(), "gas_levels" in patch and self._goal_rated(actor.clinic_id, goal_id)))

    def goal(self, actor: Actor, goal_id: str):
        """The goal's current state in the store (with `version` and `created_at`), or GoalNotFound."""
        return self._goal(self._goal_stream(actor, goal_id, fresh=True))

    def goal_events(self, actor: Actor, goal_id: str) -> list:
        """The goal stream's CloudEvents in order."""
        return self._goal_stream(actor, goal_id, fresh=True).envelopes

    def list_goals(self, actor: Actor, **query) -> dict:
        self._listing_caught_up(actor.clinic_id)
        return self.read_model.list_goals(actor.clinic_id, **query)

    def _goal_stream(self, actor: Actor, goal_id: str, fresh: bool):
        """The goal's stream in the actor's clinic; GoalNotFound for no goal (or a session's id)."""
        stream = self.streams.load(actor.clinic_id, goal_id, fresh=fresh)
        if not stream.events or not isinstance(stream.events[0], GoalCreated):
            raise GoalNotFound(detail="an existing goal")
        return stream

    @staticmethod
    def _goal(stream):
        return goals.fold(stream.events, created_at=instant(stream.created_at))

    def _change_goal(self, actor: Actor, goal_id: str, expected, decide):
        return self._once(actor, self._goal, lambda: self._decide_goal_change(actor, goal_id, expected, decide))

    def _decide_goal_change(self, actor: Actor, goal_id: str, expected, decide):
        for attempt in range(1, ATTEMPTS + 1):
            stream = self._goal_stream(actor, goal_id, fresh=attempt > 1)
            goal = self._goal(stream)
            try:
                if expected is not None and goal.version not in expected:
                    raise StaleVersion()
                events = decide(goal)
                if not events and stream.cached:
                    continue  # "nothing to change" is a decision too: take it on the store's state
                return self._save_goal(actor, stream, goal, events)
            except DomainError as refusal:
                lost_race = isinstance(refusal, ConcurrencyConflict) and expected is None
                if attempt == ATTEMPTS or not (stream.cached or lost_race):
                    raise

    def _save_goal(self, actor: Actor, stream, goal, events: list):
        if not events:
            return goal
        changed = None if goal is None else reduce(goals.apply, events, goal)
        listed = changed is not None and not self.read_model.shows_change(goal, changed)
        stored = self.streams.append(actor.clinic_id, events[0].goal_id, events[0].client_id, stream, events,
                                     correlation_id=actor.correlation_id, request=actor.request, listed=listed)
        changed = self._goal(stored) if goal is None else changed
        if not listed:
            self.read_model.goal_changed(actor.clinic_id, goal, changed)
            self.streams.mark_listed([commit_id(changed.goal_id, stored.version - len(events) + 1)])
        return changed

    def _once(self, actor: Actor, fold, run):
        """`run()` the command, unless a request with the actor's key was stored: then `fold` what it stored."""
        applied = actor.applied
        if applied is None:
            try:
                return run()
            except AlreadyApplied:  # the same request, sent twice at once, was stored by the other one
                applied = self.applied(actor.clinic_id, actor.request)
        return fold(applied)

    # --- the listing read model ---------------------------------------------

    def relist(self, clinic_id: str, stream_id: str) -> None:
        """Write the stream's current state into the read model (the version guard keeps newer writes)."""
        stream = self.streams.load(clinic_id, stream_id, fresh=True)
        if stream.events and isinstance(stream.events[0], GoalCreated):
            self.read_model.goal_changed(clinic_id, None, self._goal(stream))
        elif stream.events and isinstance(stream.events[0], SessionLogged):
            self.read_model.record_session(clinic_id, sessions.fold(stream.events))

    def _listing_caught_up(self, clinic_id: str) -> None:
        """Write what the clinic's unlisted commits left out of the read model (their writer died in between)."""
        unlisted = self.streams.unlisted(clinic_id)
        for stream_id in {commit["stream_id"] for commit in unlisted}:
            self.relist(clinic_id, stream_id)
        if unlisted:
            self.streams.mark_listed([commit["_id"] for commit in unlisted])

    def _goal_rated(self, clinic_id: str, goal_id: str) -> bool:
        self._listing_caught_up(clinic_id)
        return self.read_model.goal_rated(clinic_id, goal_id)

    # --- sessions ------------------------------------------------------------

    def log_session(self, actor: Actor, session_id: str, command: dict):
        return self._once(actor, lambda stream: sessions.fold(stream.events),
                          lambda: self._log_session(actor, session_id, command))

    def _log_session(self, actor: Actor, session_id: str, command: dict):
        events = sessions.log_session(session_id=session_id, **_with_clinician(actor, command))
        self._check_goals_of_client(actor, events[0])
        self.streams.append(actor.clinic_id, session_id, events[0].client_id, None, events,
                            correlation_id=actor.correlation_id, request=actor.request, listed=False)
        session = sessions.fold(events)
        self.read_model.record_session(actor.clinic_id, session)
        self.streams.mark_listed([commit_id(session_id, 1)])
        return session

    def session(self, actor: Actor, session_id: str):
        stream = self.streams.load(actor.clinic_id, session_id, fresh=True)
        if not stream.events or not isinstance(stream.events[0], SessionLogged):
            raise SessionNotFound(detail="an existing session")
        return sessions.fold(stream.events)

    def list_sessions(self, actor: Actor, **query) -> dict:
        self._listing_caught_up(actor.clinic_id)
        return self.read_model.list_sessions(actor.clinic_id, **query)

    def _check_goals_of_client(self, actor: Actor, logged: SessionLogged) -> None:
        """A session rates only goals of its own client in the caller's clinic (a goal's client never changes,
        so a cached stream answers as well as a fresh one)."""
        for index, rating in enumerate(logged.goals):
            try:
                goal = self._goal(self._goal_stream(actor, rating.goal_id, fresh=False))
            except GoalNotFound:
                goal = None
            if goal is None or goal.client_id != logged.client_id:
                raise UnknownGoalOfClient(f"goals[{index}].goal_id", "a goal of this client")

    # --- a client's record (right of access) ----------------------------------------

    def client_record(self, actor: Actor, client_id: str) -> ClientRecord:
        """Every goal and session of the client in the actor's clinic; ClientNotFound when there is none."""
        client_id = valid_id(client_id, "client_id")
        self._listing_caught_up(actor.clinic_id)
        goal_ids = self.read_model.clients_goal_ids(actor.clinic_id, client_id)
        held = tuple(self._goal(self._goal_stream(actor, goal_id, fresh=True)) for goal_id in goal_ids)
        logged = tuple(self.read_model.clients_sessions(actor.clinic_id, client_id))
        if not held and not logged:
            raise ClientNotFound(detail="a client with goals or sessions in this clinic")
        return ClientRecord(client_id, held, logged)

    # --- sharing with partners ---------------------------------------------------

    def sharing_of(self, actor: Actor, client_id: str) -> sharing.Sharing:
        """The client's current sharing with partners (every partner while nothing was recorded)."""
        return sharing.fold(client_id, self._sharing_stream(actor, client_id).events)

    def change_sharing(self, actor: Actor, client_id: str, partners) -> sharing.Sharing:
        """Record `partners` (false, true or partner ids) as the client's sharing; nothing when it holds already."""
        return self._once(actor, lambda stream: sharing.fold(client_id, stream.events),
                          lambda: self._change_sharing(actor, client_id, partners))

    def _change_sharing(self, actor: Actor, client_id: str, partners) -> sharing.Sharing:
        for attempt in range(1, ATTEMPTS + 1):
            stream = self._sharing_stream(actor, client_id)
            current = sharing.fold(client_id, stream.events)
            events = sharing.change_sharing(current, partners, self.clock())
            if not events:
                return current
            try:
                stored = self.streams.append(actor.clinic_id, sharing_stream_id(actor.clinic_id, client_id),
                                             client_id, stream, events, correlation_id=actor.correlation_id,
                                             request=actor.request)
                return sharing.fold(client_id, stored.events)
            except ConcurrencyConflict:  # another change of this client's sharing came first: decide again
                if attempt == ATTEMPTS:
                    raise

    def _sharing_stream(self, actor: Actor, client_id: str) -> Stream:
        return self.streams.load(actor.clinic_id, sharing_stream_id(actor.clinic_id, valid_id(client_id, "client_id")))
