"""The `make up` profile's store keeps every acknowledged write through a kill -9.

The development store writes its H2 file before it acknowledges a write command
(deploy/docstore/DocStore.java). This starts a store of that kind on private ports,
writes from several threads, kills it with SIGKILL right after the last
acknowledgement, starts it again and counts. Its secondary indexes are rebuilt on
start, so an indexed query still finds every document.
"""
from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import socket
import threading

import pytest
from pymongo import ASCENDING, MongoClient

from deploy import infra as launcher

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def durable_profile(unique):
    if shutil.which("java") is None:
        pytest.skip("no java on PATH: the embedded store cannot run")
    launcher.install()
    profile = dataclasses.replace(launcher.PROFILES["dev"], name=f"durability-{unique}",
                                  kafka_port=0, controller_port=0, mongo_port=free_port())
    try:
        yield profile
    finally:
        launcher.stop_docstore(profile)
        shutil.rmtree(profile.home, ignore_errors=True)


def kill_9(profile) -> None:
    pid = launcher.running_pid(profile, "docstore")
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def test_acknowledged_writes_survive_kill_9_of_the_store(durable_profile):
    assert durable_profile.durable_store
    launcher.start_docstore(durable_profile)
    client = MongoClient(durable_profile.mongodb_uri)
    goals = client.therapy_goals.goals
    goals.create_index([("client_id", ASCENDING)])
    acknowledged: list[int] = []
    lock = threading.Lock()

    def write(worker: int) -> None:
        for i in range(worker, 3000, 4):
            goals.insert_one({"_id": i, "client_id": f"client-{i % 7}"})
            with lock:
                acknowledged.append(i)
        goals.update_one({"_id": worker}, {"$set": {"updated": True}})

    threads = [threading.Thread(target=write, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    kill_9(durable_profile)
    client.close()

    launcher.start_docstore(durable_profile)
    client = MongoClient(durable_profile.mongodb_uri)
    goals = client.therapy_goals.goals
    kept = {doc["_id"] for doc in goals.find({}, {"_id": 1})}
    assert kept == set(acknowledged) and len(kept) == 3000
    assert goals.count_documents({"updated": True}) == 4
    assert len(list(goals.find({"client_id": "client-3"}))) == len([i for i in range(3000) if i % 7 == 3])
    client.close()
