"""The fault suite's bookkeeping (tools/chaos): which faults run, what counts as resolved, the table's rows."""
import pytest

from deploy.infra import PROFILES
from deploy.processes import process_specs
from shared.runtime.config import HTTP_PORTS
from tools.chaos.faults import ALL, PROCESSES, SUBSET, by_names
from tools.chaos.load import IN_USE, Attempt, Command, Ledger, Load
from tools.chaos.suite import Outcome, Row, fill_rows


def command(*attempts, service="goals") -> Command:
    made = Command("create_goal", service, "POST", "/v1/goals", {}, "clinic-1", "req-1", "key-1", "Goal 1")
    made.attempts.extend(attempts)
    return made


def test_every_process_of_the_platform_is_killed_and_the_broker_and_the_store_are_stopped():
    assert set(PROCESSES) == {spec.name for spec in process_specs(HTTP_PORTS)}
    assert [f.kind for f in ALL].count("broker") == 1 and [f.kind for f in ALL].count("store") == 1
    assert by_names("all") == ALL and by_names("subset") == SUBSET
    assert [(f.kind, f.node) for f in by_names("store,broker:1")] == [("store", 1), ("broker", 1)]
    for unknown in ("goals-api,nothing", "broker:2"):  # one Kafka node in the chaos profile
        with pytest.raises(SystemExit):
            by_names(unknown)
    assert [f.node for f in by_names("broker:3", brokers=3)] == [3]  # three in chaos-cluster


def ports(profile) -> set[int]:
    return {profile.mongo_port} | {port for node in profile.nodes
                                   for port in (profile.broker_port(node), profile.node_controller_port(node),
                                                profile.node_partners_port(node))}


@pytest.mark.parametrize("name", ["chaos", "chaos-cluster"])
def test_the_chaos_servers_are_durable_and_their_ports_are_their_own(name):
    chaos = PROFILES[name]
    assert chaos.durable_store
    others = {port for other, profile in PROFILES.items() if other != name for port in ports(profile)}
    assert not others & ports(chaos)


def test_an_answer_is_definite_unless_it_is_missing_a_5xx_or_key_in_use():
    assert command(Attempt(0, 1, 201)).definite
    assert command(Attempt(0, 1, 422, "invalid")).definite
    assert not command(Attempt(0, 1, None, "ConnectionError")).definite
    assert not command(Attempt(0, 1, 503, "store-unavailable")).definite
    in_use = command(Attempt(0, 1, None, "ReadTimeout"), Attempt(2, 3, 409, IN_USE))
    assert in_use.interrupted and not in_use.definite and not in_use.acknowledged


def test_each_row_counts_its_failures_and_the_first_success_after_its_fault():
    load = Load({}, "Bearer x", "clinic-1")
    load.ledger = Ledger()
    before = command(Attempt(1, 1.1, 201))
    in_flight = command(Attempt(9.9, 10.1, None, "ConnectionError"), Attempt(30, 30.2, 201))
    during = command(Attempt(10.5, 10.6, None, "ConnectionError"), Attempt(30, 30.2, 201))
    after = command(Attempt(13, 13.4, 201))
    elsewhere = command(Attempt(11, 11.1, 200), service="reminders")
    for made in (before, in_flight, during, after, elsewhere):
        load.ledger.add(made)
    rows = [Row("warm-up", 0, fault_row=False), Row("kill -9 goals-api", 10, api="goals"),
            Row("(retries)", 29, fault_row=False)]
    outcome = Outcome(rows, load.ledger.commands, lost={1: "reports", 2: "goals listing"})
    fill_rows(outcome, load)
    assert (rows[1].failed, rows[1].recovery_s, rows[1].lost) == (2, pytest.approx(3.4), 1)
    assert (rows[0].failed, rows[0].lost, rows[2].failed) == (0, 1, 0)
    assert rows[0].recovery_s is None and rows[2].recovery_s is None
