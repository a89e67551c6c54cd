"""Handlers are called by their arity: `(event)`, or `(event, ctx)` when they read the context."""
import pytest

from shared.contract.envelope import CloudEvent
from shared.store.projection import Context, Projection, Upsert


def event(type_: str, subject: str) -> CloudEvent:
    return CloudEvent(type=type_, source="/t", subject=subject, schemaversion=1, clinicid="c", sequence=1,
                      partitionkey="client-1", data={})


def projection(**handlers) -> Projection:
    return Projection("p", ("t",), ("docs",), {key.replace("_", "-"): value for key, value in handlers.items()})


def test_a_handler_of_one_parameter_gets_the_event_and_one_of_two_also_the_context():
    ctx = Context(db=None, replaying=True)

    def created(event):
        return [Upsert("docs", event.subject, {"$set": {"created": True}})]

    def reached(event, ctx):
        return [Upsert("docs", event.subject, {"$set": {"replayed": ctx.replaying}})]
    events = [event("goal-created", "g-1"), event("milestone-reached", "g-1"), event("goal-created", "g-2")]

    changes = projection(goal_created=created, milestone_reached=reached).changes(events, ctx)

    assert [(e.subject, change.update) for e, change in changes] == [
        ("g-1", {"$set": {"created": True}}), ("g-1", {"$set": {"replayed": True}}), ("g-2", {"$set": {"created": True}})]


def test_a_handler_with_an_optional_context_still_gets_it():
    seen = []

    def handler(event, ctx=None):
        seen.append(ctx)
        return []

    ctx = Context(db=None)
    projection(goal_created=handler).changes([event("goal-created", "g-1")], ctx)

    assert seen == [ctx]


def test_a_handler_that_takes_neither_is_refused_when_the_projection_is_built():
    with pytest.raises(TypeError, match=r"\(event\) or \(event, ctx\)"):
        projection(goal_created=lambda event, ctx, extra: [])
