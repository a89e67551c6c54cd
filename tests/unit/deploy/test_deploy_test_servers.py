"""The tests take their servers from the environment first and then start nothing."""
from tests import infra


def test_servers_given_by_the_environment_are_used_and_nothing_is_started(monkeypatch):
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "kafka.example:9092")
    monkeypatch.setenv("MONGODB_URI", "mongodb://mongo.example:27017/")
    monkeypatch.delenv("PARTNERS_KAFKA_BOOTSTRAP", raising=False)
    monkeypatch.setattr(infra.launcher, "up", lambda profile: (_ for _ in ()).throw(AssertionError("started")))
    with infra.servers() as found:
        assert found == {"KAFKA_BOOTSTRAP_SERVERS": "kafka.example:9092",
                         "MONGODB_URI": "mongodb://mongo.example:27017/", "native": False}
    monkeypatch.setenv("PARTNERS_KAFKA_BOOTSTRAP", "kafka.example:9094")  # the partners listener, when given
    with infra.servers() as found:
        assert found["PARTNERS_KAFKA_BOOTSTRAP"] == "kafka.example:9094"


def test_the_native_launcher_is_used_when_nothing_is_given_and_no_docker_engine_answers(monkeypatch):
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    monkeypatch.delenv("MONGODB_URI", raising=False)
    monkeypatch.delenv("KEEP_TEST_INFRA", raising=False)  # the servers a session started are stopped after it
    monkeypatch.setattr(infra, "docker_engine_answers", lambda: False)
    started, stopped = [], []
    monkeypatch.setattr(infra.launcher, "up", lambda profile: started.append(profile.name) or {"KAFKA_BOOTSTRAP_SERVERS": "k", "MONGODB_URI": "m"})
    monkeypatch.setattr(infra.launcher, "down", lambda profile: stopped.append(profile.name))
    with infra.servers() as found:
        assert found["native"] and started == ["test"]
    assert stopped == ["test"]
