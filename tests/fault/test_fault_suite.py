"""The fault suite's share in `make test`: a goals API, the goals relay and the reports consumer killed with -9
under load, each restarted by supervisord, then every check of tools/chaos/checks.py (the whole suite: `make chaos`).

It runs on servers of its own (deploy/infra.py, profile "chaos": Kafka 26092/26093, a durable store on 26117),
never on the shared test servers; a file lock keeps two runs from sharing them.
"""
import pytest

from tests.support import private_servers
from tools.chaos.faults import SUBSET
from tools.chaos.suite import run

pytestmark = pytest.mark.fault


@pytest.fixture(scope="module")
def outcome():
    with private_servers("chaos"):
        try:
            found = run(SUBSET, say=lambda text: None)
        except SystemExit as error:  # the launcher reports failures that way
            pytest.fail(str(error))
    print("\n" + found.table() + "\n" + found.summary())
    return found


def described(outcome, found: dict) -> str:
    lines = [f"{outcome.commands[i].kind} {outcome.commands[i].request_id}: {what}" for i, what in found.items()]
    return "\n".join([outcome.table(), *lines[:20]])


def test_every_fault_was_injected_under_load_and_commands_succeeded_after_it(outcome):
    assert [row.fault for row in outcome.rows[1:-1]] == [fault.name for fault in SUBSET]
    assert all(row.recovery_s is not None for row in outcome.rows[1:-1]), outcome.table()


def test_no_acknowledged_command_is_lost(outcome):
    assert sum(command.acknowledged for command in outcome.commands) > 100, outcome.summary()
    assert not outcome.lost, described(outcome, outcome.lost)


def test_no_command_is_applied_twice(outcome):
    assert not outcome.duplicated, described(outcome, outcome.duplicated)


def test_every_projection_equals_a_fresh_replay(outcome):
    assert not outcome.projections, "\n".join(outcome.projections[:50])


def test_consumer_lag_returns_to_zero(outcome):
    assert not any(outcome.lag.values()), outcome.lag


def test_every_interrupted_request_resolves_on_retry_to_a_truthful_answer(outcome):
    assert not outcome.unresolved, described(outcome, outcome.unresolved)
