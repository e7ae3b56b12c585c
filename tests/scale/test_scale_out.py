"""Scale-out on real engines: PostgreSQL (tracker store) and Redis (lock store), shared by two
assistants on different ports, one of them with SANIC_WORKERS=2 (endpoints.scale.yml,
chosen by the launcher because DB_HOST is set).

Installs Debian's `postgresql` and `redis-server` when missing (apt-get, as root), starts a
throwaway PostgreSQL cluster and a Redis server on free ports, and removes both afterwards,
also when a test fails. `make test-scale` (part of `make test`) runs it.
"""

import asyncio
import concurrent.futures
import contextlib
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Optional

import psycopg2
import pytest
import redis
import requests

from bot.runtime.instance import free_port
from bot.runtime.redis_lock import AtomicRedisLockStore
from tests.e2e.assistant import PROJECT, Assistant

DB_NAME, DB_USER, DB_PASSWORD = "roladvies_scale", "roladvies", "pg-" + uuid.uuid4().hex
REDIS_PASSWORD = "redis-" + uuid.uuid4().hex
WIDGET_SECRET = uuid.uuid4().hex + uuid.uuid4().hex  # the same on every server: tokens travel
UP = "Rasa server is up and running."  # logged once by every Sanic worker that loaded the model


# ---- the engines -------------------------------------------------------------------------------


def postgres_bin() -> Optional[Path]:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(re.search(r"/(\d+)/bin/", p).group(1)),
    )
    return Path(found[-1]).parent if found else None


def install_when_missing() -> None:
    missing = [
        package
        for package, present in (
            ("postgresql", postgres_bin()),
            ("redis-server", shutil.which("redis-server")),
        )
        if not present
    ]
    if not missing:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.fail(
            f"{' and '.join(missing)} missing; install the Debian packages (as root: "
            f"apt-get install {' '.join(missing)})"
        )
    print(f"[setup] installing {' '.join(missing)} (Debian packages)...", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(
        ["apt-get", "install", "-y", "--no-install-recommends", *missing],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )


def as_postgres(command: list) -> list:
    """initdb and postgres refuse to run as root: as root, run them as the `postgres` user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class Postgres:
    """A throwaway cluster in a temp dir: TCP on 127.0.0.1 with a password (as the servers
    use it), a Unix socket in the same dir with trust for the superuser (for the test)."""

    def __init__(self):
        self.bin = postgres_bin()
        self.dir = Path(tempfile.mkdtemp(prefix="scale-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self.started = False

    def run(self, *args: str) -> None:
        result = subprocess.run(
            as_postgres([str(self.bin / args[0]), *args[1:]]),
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        assert result.returncode == 0, f"{args[0]} failed:\n{result.stdout}"

    def start(self) -> "Postgres":
        self.run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
        )
        self.started = True
        self.run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.dir / "postgres.log"),
            "-w",
            "-t",
            "60",
            "-o",
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        )
        with contextlib.closing(self.superuser()) as connection:
            connection.autocommit = True
            connection.cursor().execute(f"CREATE ROLE {DB_USER} LOGIN PASSWORD %s", (DB_PASSWORD,))
            connection.cursor().execute(f"CREATE DATABASE {DB_NAME} OWNER {DB_USER}")
        return self

    def superuser(self, dbname: str = "postgres"):
        return psycopg2.connect(host=str(self.dir), port=self.port, user="postgres", dbname=dbname)

    def stop(self) -> None:
        if self.started:
            subprocess.run(
                as_postgres(
                    [str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"]
                ),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        shutil.rmtree(self.dir, ignore_errors=True)


class Redis:
    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="scale-redis-"))
        self.port = free_port()
        self.process = None

    def start(self) -> "Redis":
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
                "--requirepass",
                REDIS_PASSWORD,
            ],
            stdout=open(self.dir / "redis.log", "wb"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                self.client().ping()
                return self
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise AssertionError(
                        "redis-server did not start:\n" + (self.dir / "redis.log").read_text(errors="replace")
                    ) from None
                time.sleep(0.2)

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, password=REDIS_PASSWORD, db=2)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


# ---- the assistants ----------------------------------------------------------------------------


def children(pid: int) -> list:
    found = []
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            fields = Path(stat).read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.split("/")[2]))
    return found


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.fixture(scope="module")
def engines():
    install_when_missing()
    postgres, store = Postgres(), Redis()
    try:
        yield postgres.start(), store.start()
    finally:
        store.stop()
        postgres.stop()


@pytest.fixture(scope="module")
def servers(engines, tmp_path_factory):
    """A: one Sanic worker; B: SANIC_WORKERS=2. Both on the same PostgreSQL and Redis, with
    the same widget secret: A's from WIDGET_SECRET, B's from the file in its var dir (which
    Rasa reads once, before it forks its workers)."""
    postgres, store = engines
    env = {
        "DB_HOST": "127.0.0.1",
        "DB_PORT": str(postgres.port),
        "DB_NAME": DB_NAME,
        "DB_USER": DB_USER,
        "DB_PASSWORD": DB_PASSWORD,
        "REDIS_HOST": "127.0.0.1",
        "REDIS_PORT": str(store.port),
        "REDIS_DB": "2",
        "REDIS_PASSWORD": REDIS_PASSWORD,
        "SANIC_WORKERS": "1",
    }
    a = Assistant(tmp_path_factory.mktemp("scale-a"), dict(env, WIDGET_SECRET=WIDGET_SECRET))
    b = Assistant(tmp_path_factory.mktemp("scale-b"), dict(env, SANIC_WORKERS="2"))
    b.env.pop("WIDGET_SECRET", None)
    (b.var_dir / "widget-secret").write_text(WIDGET_SECRET + "\n")
    (b.var_dir / "widget-secret").chmod(0o600)
    try:
        with concurrent.futures.ThreadPoolExecutor(2) as pool:  # both start at the same time
            for future in [pool.submit(a.start, 420), pool.submit(b.start, 420)]:
                future.result()
        deadline = time.monotonic() + 240  # B answers once one worker is up; wait for both
        while (b.var_dir / "logs" / "rasa.log").read_text(errors="replace").count(UP) < 2:
            assert time.monotonic() < deadline, "the second Sanic worker of B did not come up"
            time.sleep(1)
        yield a, b
    finally:
        for server in (a, b):
            if server.process and server.process.poll() is None:
                server.stop()


class Widget:
    """The chat widget's JSON API on one server."""

    def __init__(self, assistant: Assistant):
        self.base = f"http://127.0.0.1:{assistant.rasa_port}/chat/api/"

    def session(self) -> dict:
        response = requests.post(self.base + "session", timeout=60)
        assert response.status_code == 200, response.text
        return response.json()

    def ask(self, token: str, text: str) -> dict:
        response = requests.post(
            self.base + "message",
            json={"text": text, "client_id": uuid.uuid4().hex},
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
        assert response.status_code == 200, response.text
        return response.json()

    def history(self, token: str) -> dict:
        response = requests.get(
            self.base + "history", headers={"Authorization": f"Bearer {token}"}, timeout=30
        )
        assert response.status_code == 200, response.text
        return response.json()


def text_of(widget_reply: dict) -> str:
    return "\n".join(m["text"] for m in widget_reply["messages"])


def events_in_postgres(postgres: Postgres, sender: str) -> list:
    with contextlib.closing(postgres.superuser(DB_NAME)) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT type_name, data FROM events WHERE sender_id = %s ORDER BY id", (sender,))
        return cursor.fetchall()


# ---- the tests ---------------------------------------------------------------------------------


def test_db_host_alone_gives_a_complete_scale_profile(monkeypatch):
    """Every ${...} of endpoints.scale.yml gets a value from the launcher's defaults (Rasa
    would refuse an unset one), and Rasa reads the stores we mean."""
    from rasa.core.utils import read_endpoints_from_path

    from bot.runtime import launcher

    env = {
        k: v
        for k, v in launcher.base_env().items()
        if k not in launcher.SCALE_DEFAULTS and k != "SANIC_WORKERS"
    }
    env["DB_HOST"] = "db.example"
    assert launcher.endpoints_profile(env, check=False) == "endpoints.scale.yml"
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    endpoints = read_endpoints_from_path(str(PROJECT / "endpoints.scale.yml"))
    tracker, lock = endpoints.tracker_store, endpoints.lock_store
    assert (tracker.type, tracker.url, tracker.kwargs["dialect"], tracker.kwargs["port"]) == (
        "bot.runtime.tracker_store.AssistantTrackerStore",
        "db.example",
        "postgresql",
        "5432",
    )
    assert (tracker.kwargs["db"], tracker.kwargs["username"], tracker.kwargs["password"]) == (
        "rasa",
        "rasa",
        "",
    )
    assert (lock.type, lock.url, lock.kwargs["db"], lock.kwargs["key_prefix"]) == (
        "bot.runtime.redis_lock.AtomicRedisLockStore",
        "localhost",
        "1",
        "roladvies",
    )
    assert lock.kwargs["password"] == ""  # empty: no AUTH


def test_the_redis_lock_lets_one_holder_in_at_a_time(engines):
    """Eight processes' worth of lock stores take the lock of one conversation at the same
    moment and each does a read-wait-write on a counter: only mutual exclusion gives 8.
    (Rasa's own RedisLockStore gives 2 or 3 here, and LockErrors.)"""
    _, store = engines
    client, conversation, holders = store.client(), f"lock-{uuid.uuid4().hex[:8]}", 8
    client.delete("counter")
    barrier, errors = threading.Barrier(holders), []

    def holder() -> None:
        locks = AtomicRedisLockStore(
            host="127.0.0.1", port=store.port, db=2, password=REDIS_PASSWORD, key_prefix="locktest"
        )

        async def critical_section() -> None:
            barrier.wait()
            async with locks.lock(conversation, wait_time_in_seconds=0.02):
                value = int(client.get("counter") or 0)
                await asyncio.sleep(0.01)
                client.set("counter", value + 1)

        try:
            asyncio.run(critical_section())
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(repr(error))

    threads = [threading.Thread(target=holder) for _ in range(holders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors and int(client.get("counter")) == holders, errors
    assert not client.keys("locktest:*")  # the last holder removed the lock
    client.delete("counter")


def test_the_launcher_stops_at_once_when_the_database_is_missing(engines, tmp_path):
    """Rasa itself would retry a missing database every 5 s and never start."""
    postgres, store = engines
    env = dict(
        os.environ,
        DB_HOST="127.0.0.1",
        DB_PORT=str(postgres.port),
        DB_NAME="no_such_db",
        DB_USER=DB_USER,
        DB_PASSWORD=DB_PASSWORD,
        REDIS_HOST="127.0.0.1",
        REDIS_PORT=str(store.port),
        REDIS_PASSWORD=REDIS_PASSWORD,
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "run",
            "--no-train",
            "--rasa-port",
            str(free_port()),
            "--action-port",
            str(free_port()),
            "--var-dir",
            str(tmp_path),
        ],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "PostgreSQL-database no_such_db" in result.stderr and "niet bruikbaar" in result.stderr
    assert "Rasa-server starten" not in result.stdout


def test_the_launcher_chose_the_scale_profile(servers):
    for server in servers:
        launcher_log = server.output.read_text(errors="replace")
        assert "Endpoints: endpoints.scale.yml" in launcher_log
        assert not (server.var_dir / "tracker.db").exists()  # nothing went to SQLite
    assert "Sanic-workers: 2" in servers[1].output.read_text(errors="replace")


def test_one_conversation_alternates_between_the_two_servers(servers, engines):
    a, b = servers
    postgres, store = engines
    locks_before = store.client().info("commandstats").get("cmdstat_set", {}).get("calls", 0)
    sender = f"scale-{uuid.uuid4().hex[:8]}"

    assert a.ask(sender, "wat doet een office manager").startswith("Wat doet een office manager")
    # Only the conversation in PostgreSQL tells B that the question was "what does ... do".
    assert b.ask(sender, "en een secretaresse?").startswith("Wat doet een secretaresse")
    # ... and tells A that the role in focus is now the secretaresse.
    assert a.ask(sender, "en qua opleiding?").startswith("Opleiding en ervaring van een secretaresse")
    assert b.ask(sender, "en een office manager?").startswith("Opleiding en ervaring van een office manager")

    rows = events_in_postgres(postgres, sender)
    user_texts = [re.search(r'"text": "([^"]*)"', data).group(1) for kind, data in rows if kind == "user"]
    assert user_texts == [
        "wat doet een office manager",
        "en een secretaresse?",
        "en qua opleiding?",
        "en een office manager?",
    ]
    assert sum(kind == "bot" for kind, _ in rows) >= 4
    # Every message took its conversation lock in Redis (SET of the lock, one or more per message).
    locks_after = store.client().info("commandstats").get("cmdstat_set", {}).get("calls", 0)
    assert locks_after - locks_before >= 4


def test_two_messages_of_one_conversation_at_once_on_two_servers_are_handled_in_turn(servers, engines):
    a, b = servers
    postgres, _ = engines
    sender = f"scale-{uuid.uuid4().hex[:8]}"
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        replies = list(
            pool.map(
                lambda args: args[0].ask(sender, args[1]),
                [(a, "wat doet een office manager"), (b, "wat doet een secretaresse")],
            )
        )
    assert replies[0].startswith("Wat doet een office manager")
    assert replies[1].startswith("Wat doet een secretaresse")
    # The lock makes one wait for the other: user, its bot answers, user, its bot answers -
    # never two user messages in a row, and both are stored once.
    kinds = [kind for kind, _ in events_in_postgres(postgres, sender) if kind in ("user", "bot")]
    users = [index for index, kind in enumerate(kinds) if kind == "user"]
    assert len(users) == 2, kinds
    assert "bot" in kinds[users[0] + 1 : users[1]] and "bot" in kinds[users[1] + 1 :], kinds


def test_a_widget_conversation_moves_between_servers(servers):
    a, b = servers
    started = Widget(a).session()  # token signed by A
    token = started["token"]
    reply = Widget(b).ask(token, "wat doet een office manager")  # B knows the secret too
    assert text_of(reply).startswith("Wat doet een office manager")
    reply = Widget(a).ask(reply["token"], "en een secretaresse?")
    assert text_of(reply).startswith("Wat doet een secretaresse")
    history = Widget(b).history(reply["token"])["messages"]
    assert [m["text"] for m in history if m["from"] == "user"] == [
        "wat doet een office manager",
        "en een secretaresse?",
    ]


def test_two_sanic_workers_answer_concurrent_conversations_with_context(servers):
    _, b = servers
    rasa_main = [
        pid
        for pid in children(b.process.pid)  # `rasa run`, not the action server
        if b"--endpoints" in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    ]
    workers = [pid for main in rasa_main for pid in children(main)]
    assert len(workers) == 2, f"expected 2 Sanic workers under {rasa_main}, found {workers}"
    assert (b.var_dir / "logs" / "rasa.log").read_text(errors="replace").count(UP) == 2
    cpu_before = {pid: cpu_seconds(pid) for pid in workers}

    def conversation(number: int) -> list:
        first, second = (
            ("office manager", "secretaresse") if number % 2 else ("secretaresse", "office manager")
        )
        turns = [
            (f"wat doet een {first}", f"Wat doet een {first}"),
            (f"en een {second}?", f"Wat doet een {second}"),
            ("welke opleiding is daarvoor nodig?", f"Opleiding en ervaring van een {second}"),
            (f"en een {first}?", f"Opleiding en ervaring van een {first}"),
        ]
        wrong = []
        if number % 4 < 2:  # half over REST, half over the widget (its token from either worker)
            sender = f"scale-{number}-{uuid.uuid4().hex[:8]}"
            for question, expected in turns:
                answer = b.ask(sender, question)
                if not answer.startswith(expected):
                    wrong.append(f"REST {number}: {question!r} -> {answer[:80]!r}")
        else:
            widget = Widget(b)
            token = widget.session()["token"]
            for question, expected in turns:
                reply = widget.ask(token, question)
                token = reply["token"]
                if not text_of(reply).startswith(expected):
                    wrong.append(f"widget {number}: {question!r} -> {text_of(reply)[:80]!r}")
        return wrong

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        wrong = [line for lines in pool.map(conversation, range(8)) for line in lines]
    assert not wrong, "\n".join(wrong)
    used = {pid: cpu_seconds(pid) - before for pid, before in cpu_before.items()}
    assert all(seconds > 0.1 for seconds in used.values()), f"CPU seconds per worker: {used}"
