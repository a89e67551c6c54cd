#!/usr/bin/env python3
"""Native infrastructure launcher: Apache Kafka (KRaft) and the embedded document store, no Docker.

    python3 deploy/infra.py install            # fetch the Kafka and document-store jars, compile the store (cached)
    python3 deploy/infra.py up [--profile P]   # start both, wait until ready, print env
    python3 deploy/infra.py down [--profile P] # stop both
    python3 deploy/infra.py env [--profile P]  # print the environment variables to use

The "cluster" profile runs three Kafka nodes (each a broker and a KRaft controller,
a quorum of three voters) with small heaps; its environment asks for topics
replicated three times with min.insync.replicas=2, so one node may stop.

Every broker has two listeners: PLAINTEXT for the platform's own processes
(KAFKA_BOOTSTRAP_SERVERS) and PARTNERS, SASL_PLAINTEXT with SCRAM-SHA-512, for
partners (PARTNERS_KAFKA_BOOTSTRAP). The StandardAuthorizer denies whatever no ACL
allows; the internal principal (User:ANONYMOUS on PLAINTEXT and on the controller
listener) is a super user, so the platform works as without an authorizer, and a
partner reads only what its ACLs allow (services/partners/kafka_access.py).

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


NODE_PORT_STEP = 10  # Kafka node n (1, 2, 3) listens on kafka_port + 10 (n - 1), its controller and partners likewise
INTERNAL_PRINCIPAL = "User:ANONYMOUS"  # whoever connects to PLAINTEXT or CONTROLLER: the platform's processes
PARTNERS_MECHANISM = "SCRAM-SHA-512"


@dataclass(frozen=True)
class Profile:
    name: str
    kafka_port: int
    controller_port: int
    mongo_port: int
    partners_port: int  # the partners' SASL/SCRAM listener
    durable_store: bool = False
    ttl_interval_seconds: int = 60  # how often the store expires TTL-indexed documents (60, as on MongoDB)
    kafka_nodes: int = 1  # 3: a cluster, every node a broker and a controller
    kafka_heap: str = "768m"

    @property
    def home(self) -> Path:
        return INFRA / self.name

    @property
    def nodes(self) -> list[int]:
        return list(range(1, self.kafka_nodes + 1))

    def node_name(self, node: int) -> str:
        """The node's pid, log and data names: "kafka" for a single broker, "kafka-<n>" in a cluster."""
        return "kafka" if self.kafka_nodes == 1 else f"kafka-{node}"

    def broker_port(self, node: int) -> int:
        return self.kafka_port + NODE_PORT_STEP * (node - 1)

    def node_controller_port(self, node: int) -> int:
        return self.controller_port + NODE_PORT_STEP * (node - 1)

    def node_partners_port(self, node: int) -> int:
        return self.partners_port + NODE_PORT_STEP * (node - 1)

    @property
    def replication(self) -> tuple[int, int]:
        """(replication factor, min.insync.replicas) of the profile's topics: 1/1 for a broker, 3/2 for three."""
        return (1, 1) if self.kafka_nodes == 1 else (3, 2)

    @property
    def kafka_bootstrap(self) -> str:
        return ",".join(f"127.0.0.1:{self.broker_port(node)}" for node in self.nodes)

    @property
    def partners_kafka_bootstrap(self) -> str:
        return ",".join(f"127.0.0.1:{self.node_partners_port(node)}" for node in self.nodes)

    @property
    def mongodb_uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.mongo_port}/?retryWrites=false"


PROFILES = {
    "dev": Profile("dev", 9092, 9093, 27017, partners_port=9094, durable_store=True),
    "test": Profile("test", 19092, 19093, 27117, partners_port=19094, ttl_interval_seconds=1),
    # make bench: its own servers, so that a benchmark never shares them with a test run
    "bench": Profile("bench", 39092, 39093, 37117, partners_port=39094),
    # a private broker that the broker-outage test stops and restarts (Kafka only)
    "outage": Profile("outage", 29092, 29093, 27217, partners_port=29094),
    # three Kafka nodes (brokers 29192, 29202, 29212; controllers 29193, 29203, 29213; partners 29194, 29204,
    # 29214): make up PROFILE=cluster
    "cluster": Profile("cluster", 29192, 29193, 29117, partners_port=29194, durable_store=True, kafka_nodes=3,
                       kafka_heap="384m"),
    # make chaos and the fault tests: a private broker and a durable store that the fault suite kills and restarts
    "chaos": Profile("chaos", 26092, 26093, 26117, partners_port=26094, durable_store=True),
    # make chaos's three-broker run (brokers 26192, 26202, 26212; controllers 26193, 26203, 26213; partners 26194,
    # 26204, 26214)
    "chaos-cluster": Profile("chaos-cluster", 26192, 26193, 26217, partners_port=26194, durable_store=True,
                             kafka_nodes=3, kafka_heap="384m"),
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


def terminate(profile: Profile, *names: str, timeout: float = 30) -> None:
    """SIGTERM to every named process at once (a Kafka cluster stops together), SIGKILL after `timeout`."""
    pids = {name: pid for name in names if (pid := running_pid(profile, name))}
    for pid in pids.values():
        os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for name, pid in pids.items():
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

def kafka_properties(profile: Profile, node: int) -> str:
    data = profile.home / f"{profile.node_name(node)}-data"
    port, controller = profile.broker_port(node), profile.node_controller_port(node)
    partners = profile.node_partners_port(node)
    voters = ",".join(f"{n}@127.0.0.1:{profile.node_controller_port(n)}" for n in profile.nodes)
    replicas, min_insync = profile.replication
    return "\n".join([
        "process.roles=broker,controller",
        f"node.id={node}",
        f"controller.quorum.voters={voters}",
        f"listeners=PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller},"
        f"PARTNERS://127.0.0.1:{partners}",
        f"advertised.listeners=PLAINTEXT://127.0.0.1:{port},PARTNERS://127.0.0.1:{partners}",
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,PARTNERS:SASL_PLAINTEXT",
        f"listener.name.partners.sasl.enabled.mechanisms={PARTNERS_MECHANISM}",
        f"listener.name.partners.{PARTNERS_MECHANISM.lower()}.sasl.jaas.config="
        "org.apache.kafka.common.security.scram.ScramLoginModule required;",
        "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        "allow.everyone.if.no.acl.found=false",
        f"super.users={INTERNAL_PRINCIPAL}",
        f"log.dirs={data}",
        "num.partitions=3",
        f"default.replication.factor={replicas}",
        f"min.insync.replicas={min_insync}",
        f"offsets.topic.replication.factor={replicas}",
        "offsets.topic.num.partitions=1",
        f"transaction.state.log.replication.factor={replicas}",
        f"transaction.state.log.min.isr={min_insync}",
        f"share.coordinator.state.topic.replication.factor={replicas}",
        f"share.coordinator.state.topic.min.isr={min_insync}",
        "group.initial.rebalance.delay.ms=0",
        "auto.create.topics.enable=false",
        "",
    ])


def start_kafka(profile: Profile, nodes: list[int] | None = None) -> None:
    """Start the profile's Kafka nodes (all, or the given ones) that are not running; wait until each is up.

    The nodes start together: a quorum of three controllers needs two before any is ready.
    """
    home = profile.home
    home.mkdir(parents=True, exist_ok=True)
    java = ["java", "-Xms256m", f"-Xmx{profile.kafka_heap}", "-XX:+UseG1GC",
            f"-Dlog4j2.configurationFile={DEPLOY / 'kafka' / 'log4j2.xml'}",
            "-cp", f"{KAFKA_LIBS}/*"]
    starting = [node for node in nodes or profile.nodes if not running_pid(profile, profile.node_name(node))]
    props = {node: home / f"{profile.node_name(node)}.properties" for node in starting}
    formats = []
    for node in starting:
        props[node].write_text(kafka_properties(profile, node))
        if not (home / f"{profile.node_name(node)}-data" / "meta.properties").exists():
            formats.append(subprocess.Popen(java + ["kafka.tools.StorageTool", "format",
                                                    f"--cluster-id={cluster_id(profile)}", "-c", str(props[node])]))
    if [code for code in (format_.wait() for format_ in formats) if code != 0]:
        raise SystemExit(f"[infra] formatting the Kafka data of profile {profile.name} failed")
    started = []
    for node in starting:
        logfile = home / f"{profile.node_name(node)}.log"
        logfile.write_bytes(b"")
        spawn(profile, profile.node_name(node), java + ["kafka.Kafka", str(props[node])])
        started.append((node, logfile))
    for node, logfile in started:
        wait_for(f"Kafka node {node}", lambda: b"Kafka Server started" in logfile.read_bytes()
                 or b"KafkaRaftServer started" in logfile.read_bytes(), 120, logfile)
    if started:
        log(f"Kafka ready on {profile.kafka_bootstrap}")


def cluster_id(profile: Profile) -> str:
    """The profile's Kafka cluster id, made once (every node of a cluster is formatted with it)."""
    path = profile.home / "kafka-cluster-id"
    if not path.exists():
        path.write_text(base64.urlsafe_b64encode(os.urandom(16)).rstrip(b"=").decode())
    return path.read_text()


def stop_kafka(profile: Profile, nodes: list[int] | None = None) -> None:
    """Stop the profile's Kafka nodes, all or the given ones (their data stays: start_kafka resumes them)."""
    terminate(profile, *(profile.node_name(node) for node in nodes or profile.nodes))


# --- the document store -----------------------------------------------------

def docstore_command(profile: Profile) -> list[str]:
    backend = ["--backend", "memory"]
    if profile.durable_store:
        backend = ["--backend", "h2", "--file", str(profile.home / "docstore" / "store.mv")]
    # A pause target of 50 ms (G1's default is 200): G1 sizes the young generation to it, so the store pauses
    # often and briefly; with the default, a growth run at 100,000 goals grew a 5 GB eden and paused for 75 to
    # 450 ms every 40 s, and each pause held every request in flight (README, "make bench")
    return ["java", "-Xms256m", f"-Xmx{os.environ.get('DOCSTORE_HEAP', '4g')}", "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=50",
            f"-Xlog:gc:file={profile.home / 'docstore-gc.log'}:uptime:filecount=2,filesize=20m",
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
    """The servers given by the environment, if Kafka and the store are set (and the partners' listener, if it is)."""
    kafka, mongo = os.environ.get("KAFKA_BOOTSTRAP_SERVERS"), os.environ.get("MONGODB_URI")
    if not (kafka and mongo):
        return None
    partners = os.environ.get("PARTNERS_KAFKA_BOOTSTRAP")
    return {"KAFKA_BOOTSTRAP_SERVERS": kafka, "MONGODB_URI": mongo,
            **({"PARTNERS_KAFKA_BOOTSTRAP": partners} if partners else {})}


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
    stop_kafka(profile)
    terminate(profile, "docstore")


def environment(profile: Profile) -> dict[str, str]:
    replicas, min_insync = profile.replication
    return {"KAFKA_BOOTSTRAP_SERVERS": profile.kafka_bootstrap, "MONGODB_URI": profile.mongodb_uri,
            "PARTNERS_KAFKA_BOOTSTRAP": profile.partners_kafka_bootstrap,
            "KAFKA_REPLICATION_FACTOR": str(replicas), "KAFKA_MIN_INSYNC_REPLICAS": str(min_insync)}


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
