#!/usr/bin/env python3
"""Native infrastructure launcher: Apache Kafka (KRaft) and the embedded document store, no Docker.

    python3 deploy/infra.py install            # fetch the Kafka and document-store jars, compile the store (cached)
    python3 deploy/infra.py up [--profile P]   # start both, wait until ready, print env
    python3 deploy/infra.py down [--profile P] # stop both
    python3 deploy/infra.py env [--profile P]  # print the environment variables to use

When KAFKA_BOOTSTRAP_SERVERS and MONGODB_URI are both set, `up` starts nothing and
reports those servers. Data lives in .infra/<profile>/ (git-ignored); the
downloaded jars and the compiled store live in .infra/cache/. Standard library
only: it runs before the project's virtualenv exists.

The document store is mongo-java-server (deploy/docstore/DocStore.java), a MongoDB
wire-protocol server on the JVM, for development and CI only: production runs
MongoDB. The "dev" and "chaos" profiles keep its data in an H2 file committed before
every acknowledgement, so acknowledged writes survive kill -9; the "test" profile
keeps it in memory.
"""
from __future__ import annotations

import argparse
import base64
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INFRA = ROOT / ".infra"
CACHE = INFRA / "cache"
KAFKA_LIBS = CACHE / "kafka-libs"
DOCSTORE_LIBS = CACHE / "docstore-libs"
DOCSTORE_CLASSES = CACHE / "docstore-classes"
DEPLOY = ROOT / "deploy"


@dataclass(frozen=True)
class Profile:
    name: str
    kafka_port: int
    controller_port: int
    mongo_port: int
    durable_store: bool = False
    ttl_interval_seconds: int = 60  # how often the store expires TTL-indexed documents (60, as on MongoDB)

    @property
    def home(self) -> Path:
        return INFRA / self.name

    @property
    def kafka_bootstrap(self) -> str:
        return f"127.0.0.1:{self.kafka_port}"

    @property
    def mongodb_uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.mongo_port}/?retryWrites=false"


PROFILES = {
    "dev": Profile("dev", 9092, 9093, 27017, durable_store=True),
    "test": Profile("test", 19092, 19093, 27117, ttl_interval_seconds=1),
    # make bench: its own servers, so that a benchmark never shares them with a test run
    "bench": Profile("bench", 39092, 39093, 37117),
    # a private broker that the broker-outage test stops and restarts (Kafka only)
    "outage": Profile("outage", 29092, 29093, 27217),
    # make chaos and the fault tests: a private broker and a durable store that the fault suite kills and restarts
    "chaos": Profile("chaos", 26092, 26093, 26117, durable_store=True),
}


def log(message: str) -> None:
    print(f"[infra] {message}", file=sys.stderr, flush=True)


# --- install (download and build once, then cached) -------------------------

def install() -> None:
    install_jars("Apache Kafka", DEPLOY / "kafka" / "pom.xml", KAFKA_LIBS)
    install_jars("the document store", DEPLOY / "docstore" / "pom.xml", DOCSTORE_LIBS)
    compile_docstore()


def install_jars(what: str, pom_file: Path, libs: Path) -> None:
    stamp = libs / ".pom"
    pom = pom_file.read_text()
    if stamp.exists() and stamp.read_text() == pom:
        return
    log(f"resolving the jars of {what} from Maven Central (once)")
    shutil.rmtree(libs, ignore_errors=True)
    run(["mvn", "-B", "-q", "-f", str(pom_file), "dependency:copy-dependencies", "-DincludeScope=runtime",
         f"-DoutputDirectory={libs}"])
    stamp.write_text(pom)


def compile_docstore() -> None:
    source = DEPLOY / "docstore" / "DocStore.java"
    stamp = DOCSTORE_CLASSES / ".source"
    if stamp.exists() and stamp.read_text() == source.read_text():
        return
    log("compiling the document store")
    shutil.rmtree(DOCSTORE_CLASSES, ignore_errors=True)
    DOCSTORE_CLASSES.mkdir(parents=True)
    run(["javac", "-d", str(DOCSTORE_CLASSES), "-cp", f"{DOCSTORE_LIBS}/*", str(source)])
    stamp.write_text(source.read_text())


def run(cmd: list[str], cwd: Path | None = None) -> None:
    result = subprocess.run(cmd, cwd=cwd)
    if result.returncode != 0:
        raise SystemExit(f"[infra] failed: {' '.join(cmd)}")


# --- processes ---------------------------------------------------------------

def pidfile(profile: Profile, name: str) -> Path:
    return profile.home / f"{name}.pid"


def running_pid(profile: Profile, name: str) -> int | None:
    path = pidfile(profile, name)
    if not path.exists():
        return None
    pid = int(path.read_text())
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        path.unlink(missing_ok=True)
        return None
    return pid


def spawn(profile: Profile, name: str, cmd: list[str]) -> None:
    profile.home.mkdir(parents=True, exist_ok=True)
    logfile = open(profile.home / f"{name}.log", "ab")
    proc = subprocess.Popen(cmd, stdout=logfile, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    pidfile(profile, name).write_text(str(proc.pid))


def terminate(profile: Profile, name: str, timeout: float = 30) -> None:
    pid = running_pid(profile, name)
    if pid is None:
        return
    os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        reap(pid)
        time.sleep(0.2)
    else:
        os.killpg(pid, signal.SIGKILL)
    pidfile(profile, name).unlink(missing_ok=True)
    log(f"{name} stopped")


def reap(pid: int) -> None:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_for(what: str, ready, timeout: float, logfile: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.3)
    tail = logfile.read_text(errors="replace")[-3000:] if logfile.exists() else ""
    raise SystemExit(f"[infra] {what} not ready after {timeout:.0f}s; log tail:\n{tail}")


# --- Kafka -------------------------------------------------------------------

def kafka_properties(profile: Profile) -> str:
    data = profile.home / "kafka-data"
    return "\n".join([
        "process.roles=broker,controller",
        "node.id=1",
        f"controller.quorum.voters=1@127.0.0.1:{profile.controller_port}",
        f"listeners=PLAINTEXT://127.0.0.1:{profile.kafka_port},CONTROLLER://127.0.0.1:{profile.controller_port}",
        f"advertised.listeners=PLAINTEXT://127.0.0.1:{profile.kafka_port}",
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        f"log.dirs={data}",
        "num.partitions=3",
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "auto.create.topics.enable=false",
        "",
    ])


def start_kafka(profile: Profile) -> None:
    if running_pid(profile, "kafka"):
        return
    home = profile.home
    home.mkdir(parents=True, exist_ok=True)
    props = home / "server.properties"
    props.write_text(kafka_properties(profile))
    java = ["java", "-Xms256m", "-Xmx768m", "-XX:+UseG1GC",
            f"-Dlog4j2.configurationFile={DEPLOY / 'kafka' / 'log4j2.xml'}",
            "-cp", f"{KAFKA_LIBS}/*"]
    if not (home / "kafka-data" / "meta.properties").exists():
        cluster_id = base64.urlsafe_b64encode(os.urandom(16)).rstrip(b"=").decode()
        run(java + ["kafka.tools.StorageTool", "format", f"--cluster-id={cluster_id}", "-c", str(props)])
    logfile = home / "kafka.log"
    logfile.write_bytes(b"")
    spawn(profile, "kafka", java + ["kafka.Kafka", str(props)])
    wait_for("Kafka", lambda: b"Kafka Server started" in logfile.read_bytes()
             or b"KafkaRaftServer started" in logfile.read_bytes(), 120, logfile)
    log(f"Kafka ready on {profile.kafka_bootstrap}")


def stop_kafka(profile: Profile) -> None:
    """Stop the profile's broker (its data stays: start_kafka resumes it)."""
    terminate(profile, "kafka")


# --- the document store -----------------------------------------------------

def docstore_command(profile: Profile) -> list[str]:
    backend = ["--backend", "memory"]
    if profile.durable_store:
        backend = ["--backend", "h2", "--file", str(profile.home / "docstore" / "store.mv")]
    return ["java", "-Xms256m", f"-Xmx{os.environ.get('DOCSTORE_HEAP', '4g')}", "-XX:+UseG1GC",
            "-cp", f"{DOCSTORE_LIBS}/*:{DOCSTORE_CLASSES}", "DocStore",
            "--host", "127.0.0.1", "--port", str(profile.mongo_port),
            "--ttl-interval", str(profile.ttl_interval_seconds), *backend]


def start_docstore(profile: Profile) -> None:
    if running_pid(profile, "docstore"):
        return
    logfile = profile.home / "docstore.log"
    profile.home.mkdir(parents=True, exist_ok=True)
    logfile.write_bytes(b"")
    spawn(profile, "docstore", docstore_command(profile))
    wait_for("the document store", lambda: b"DocStore ready" in logfile.read_bytes(), 120, logfile)
    log(f"document store ready on 127.0.0.1:{profile.mongo_port}")


def stop_docstore(profile: Profile) -> None:
    """Stop the profile's document store (a durable profile keeps its data: start_docstore resumes it)."""
    terminate(profile, "docstore")


# --- public API (also used by the test fixtures) -----------------------------

def external_servers() -> dict[str, str] | None:
    """The servers given by the environment, if both are set."""
    kafka, mongo = os.environ.get("KAFKA_BOOTSTRAP_SERVERS"), os.environ.get("MONGODB_URI")
    return {"KAFKA_BOOTSTRAP_SERVERS": kafka, "MONGODB_URI": mongo} if kafka and mongo else None


def up(profile: Profile) -> dict[str, str]:
    """Start Kafka and the document store for the profile (unless given) and return their addresses."""
    given = external_servers()
    if given:
        log("using the servers given by the environment; starting nothing")
        return given
    install()
    start_docstore(profile)
    start_kafka(profile)
    return environment(profile)


def down(profile: Profile) -> None:
    terminate(profile, "kafka")
    terminate(profile, "docstore")


def environment(profile: Profile) -> dict[str, str]:
    return {"KAFKA_BOOTSTRAP_SERVERS": profile.kafka_bootstrap, "MONGODB_URI": profile.mongodb_uri}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["install", "up", "down", "env", "clean"])
    parser.add_argument("--profile", choices=sorted(PROFILES), default="dev")
    args = parser.parse_args(argv)
    profile = PROFILES[args.profile]
    if args.command == "install":
        install()
    elif args.command == "up":
        print_env(up(profile))
    elif args.command == "down":
        down(profile)
    elif args.command == "env":
        print_env(external_servers() or environment(profile))
    elif args.command == "clean":
        down(profile)
        shutil.rmtree(profile.home, ignore_errors=True)


def print_env(env: dict[str, str]) -> None:
    for key, value in env.items():
        print(f"{key}={value}")


if __name__ == "__main__":
    main(sys.argv[1:])
