"""Train when needed, start the action server and the Rasa server, stop both on a signal.

`python -m bot run` is what `make run` calls; the tests call it too, on other ports.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import List

from bot.paths import LEMMA_TABLE, PROJECT, SPACY_PIPELINE

MODELS = PROJECT / "models"
MODEL_NAME = "role-advice"
MODEL_FILE = MODELS / f"{MODEL_NAME}.tar.gz"
FINGERPRINT_FILE = MODELS / f"{MODEL_NAME}.fingerprint"
# Everything that changes the trained model; anything else (actions, knowledge) does not.
TRAINING_INPUTS = ["config.yml", "domain.yml", "data"]
MAX_RESTARTS_PER_MINUTE = 3


def say(message: str) -> None:
    print(message, flush=True)


def base_env(action_port: int = 5055, var_dir: Path = PROJECT / "var") -> dict:
    env = dict(os.environ)
    env.update(
        {
            "RASA_TELEMETRY_ENABLED": "false",  # nothing leaves the machine
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "PYTHONPATH": str(PROJECT),
            "ACTION_PORT": str(action_port),
            "TRACKER_DB": str(var_dir / "tracker.db"),
            "LOCK_DB": str(var_dir / "locks.db"),  # one conversation's messages in turn, across workers
            "RATE_LIMIT_DB": str(var_dir / "ratelimit.db"),  # the rate limits, when shared by workers
            "UNANSWERED_DB": str(var_dir / "unanswered.db"),
            "LEADS_DB": str(var_dir / "leads.db"),
            "WIDGET_VAR_DIR": str(var_dir),  # the chat widget's token secret lives here
            "ADMIN_DB": str(var_dir / "admin.db"),  # the admin page's accounts, sessions and log
            "HANDOFF_DB": str(var_dir / "handoff.db"),  # the live handoff: who is available, who waits
            # The Rasa server's processes: one per core, up to two (bot/runtime/locks.py keeps each
            # conversation in order across them; the rate limits count in RATE_LIMIT_DB).
            "SANIC_WORKERS": env.get("SANIC_WORKERS") or str(min(2, os.cpu_count() or 1)),
        }
    )
    return env


# ---- endpoints profile: SQLite (endpoints.yml) or PostgreSQL + Redis (endpoints.scale.yml) -----

# Rasa refuses to start when a ${...} of the endpoints file is unset: every one gets a default.
SCALE_DEFAULTS = {
    "DB_PORT": "5432",
    "DB_NAME": "rasa",
    "DB_USER": "rasa",
    "DB_PASSWORD": "",
    "REDIS_HOST": "localhost",
    "REDIS_PORT": "6379",
    "REDIS_DB": "1",
    "REDIS_PASSWORD": "",
    "REDIS_KEY_PREFIX": "roladvies",
}


def endpoints_profile(env: dict, check: bool = True) -> str:
    """endpoints.scale.yml when DB_HOST is set (its defaults are filled into `env`, and
    PostgreSQL and Redis are tried when `check`), else endpoints.yml (SQLite under the var dir)."""
    if not env.get("DB_HOST"):
        say(
            f"Endpoints: endpoints.yml (gesprekken in SQLite: {env['TRACKER_DB']}); "
            f"Sanic-workers: {env.get('SANIC_WORKERS') or 1}"
        )
        return "endpoints.yml"
    for name, default in SCALE_DEFAULTS.items():
        env[name] = env.get(name) or default
    say(
        f"Endpoints: endpoints.scale.yml (gesprekken in PostgreSQL {env['DB_HOST']}:{env['DB_PORT']}"
        f"/{env['DB_NAME']}, locks in Redis {env['REDIS_HOST']}:{env['REDIS_PORT']}/{env['REDIS_DB']}"
        f"); Sanic-workers: {env.get('SANIC_WORKERS') or 1}"
    )
    if check:
        check_scale_services(env)
    return "endpoints.scale.yml"


def check_scale_services(env: dict) -> None:
    """Stop with a clear message when PostgreSQL or Redis cannot be used: Rasa itself would
    retry a missing database every 5 s without ever starting."""
    import psycopg2
    import redis

    try:
        psycopg2.connect(
            host=env["DB_HOST"],
            port=env["DB_PORT"],
            dbname=env["DB_NAME"],
            user=env["DB_USER"],
            password=env["DB_PASSWORD"],
            connect_timeout=5,
        ).close()
    except psycopg2.Error as error:
        raise SystemExit(
            f"Kan niet starten: PostgreSQL-database {env['DB_NAME']} op {env['DB_HOST']}:"
            f"{env['DB_PORT']} (gebruiker {env['DB_USER']}) is niet bruikbaar: "
            f"{str(error).strip()}"
        ) from None
    try:
        redis.Redis(
            host=env["REDIS_HOST"],
            port=int(env["REDIS_PORT"]),
            db=int(env["REDIS_DB"]),
            password=env["REDIS_PASSWORD"] or None,
            socket_timeout=5,
        ).ping()
    except (redis.RedisError, ValueError) as error:
        raise SystemExit(
            f"Kan niet starten: Redis op {env['REDIS_HOST']}:{env['REDIS_PORT']} "
            f"(database {env['REDIS_DB']}) is niet bruikbaar: {error}"
        ) from None


def venv_bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


# ---- training --------------------------------------------------------------------------------


def training_fingerprint() -> str:
    digest = hashlib.sha256()
    files: List[Path] = []
    for name in TRAINING_INPUTS:
        path = PROJECT / name
        files += sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    files += [SPACY_PIPELINE / "meta.json", LEMMA_TABLE]
    for path in files:
        digest.update(str(path.relative_to(PROJECT)).encode())
        digest.update(path.read_bytes())
    digest.update(importlib.metadata.version("rasa").encode())  # the model depends on it too
    return digest.hexdigest()


def train_if_needed(force: bool = False) -> None:
    fingerprint = training_fingerprint()
    if (
        not force
        and MODEL_FILE.exists()
        and FINGERPRINT_FILE.exists()
        and FINGERPRINT_FILE.read_text().strip() == fingerprint
    ):
        say(f"Model is actueel ({MODEL_FILE.relative_to(PROJECT)}); training overgeslagen.")
        return
    say("Trainingsdata, config of domain is veranderd: het model wordt getraind (enkele minuten)...")
    started = time.monotonic()
    # Through bot.runtime.rasa_cli: with our changes to Rasa (TensorFlow and all of scikit-learn not
    # imported) the same model is trained about 10 s sooner.
    command = [
        sys.executable,
        "-m",
        "bot.runtime.rasa_cli",
        venv_bin("rasa"),
        "train",
        "--fixed-model-name",
        MODEL_NAME,
        "--out",
        str(MODELS),
        "--force",
    ]
    result = subprocess.run(command, cwd=PROJECT, env=base_env())
    if result.returncode != 0 or not MODEL_FILE.exists():
        raise SystemExit(f"Training mislukt (exitcode {result.returncode}); zie de uitvoer hierboven.")
    FINGERPRINT_FILE.write_text(fingerprint + "\n")
    say(f"Training klaar in {time.monotonic() - started:.0f} s: {MODEL_FILE.relative_to(PROJECT)}")


# ---- serving ---------------------------------------------------------------------------------


def check_knowledge() -> None:
    """Stop before starting anything when the knowledge file is broken."""
    sys.path.insert(0, str(PROJECT))
    from actions.knowledge import KnowledgeError, load

    try:
        load()
    except KnowledgeError as error:
        raise SystemExit(f"Kan niet starten: {error}") from None


def wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-25:])
            raise SystemExit(
                f"Proces gestopt (exitcode {process.returncode}); laatste regels van {log}:\n{tail}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} antwoordde niet binnen {timeout:.0f} s; zie {log}")


def start(command: List[str], env: dict, log: Path) -> subprocess.Popen:
    handle = open(log, "ab")
    # A session of its own, so a Ctrl-C in the terminal reaches only the launcher, which
    # then stops the children in order.
    process = subprocess.Popen(
        command, cwd=PROJECT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
    )
    process.restart = lambda: start(command, env, log)  # type: ignore[attr-defined]  # for serve()'s watch loop
    return process


def stop(processes: List[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def watch(processes: List[subprocess.Popen], names: List[str]) -> int:
    """Restart a server that died (a crash, an out-of-memory kill): visitors get the apology
    of bot/runtime/rasa_changes.py meanwhile, and the conversations live on in the tracker store. A
    server that keeps dying stops everything instead of looping."""
    restarts: List[float] = []
    while True:
        time.sleep(0.5)
        for index, process in enumerate(processes):
            if process.poll() is None:
                continue
            now = time.monotonic()
            restarts = [t for t in restarts if now - t < 60] + [now]
            if len(restarts) > MAX_RESTARTS_PER_MINUTE:
                say(f"De {names[index]} blijft stoppen (exitcode {process.returncode}); alles wordt gestopt.")
                return 1
            say(
                f"De {names[index]} is onverwacht gestopt (exitcode {process.returncode}); "
                "hij wordt opnieuw gestart."
            )
            try:  # its own children (Sanic workers) would keep the port
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            processes[index] = process.restart()  # type: ignore[attr-defined]  # (see start)


# ---- security defaults (docs/security.md) ---------------------------------------------------

MAX_BODY_BYTES = 64 * 1024  # a message is at most 1,000 characters; JSON around it stays far below


def action_host(env: dict) -> str:
    """Where the action server listens: ACTION_HOST, 127.0.0.1 unless configured otherwise.
    The Rasa server reaches it at 127.0.0.1 (endpoints.yml), so only that or 0.0.0.0 (every
    address, for a host whose firewall keeps the port closed) can work."""
    host = (env.get("ACTION_HOST") or "127.0.0.1").strip()
    if host == "localhost":
        host = "127.0.0.1"
    if host not in ("127.0.0.1", "0.0.0.0"):
        raise SystemExit(
            f"ACTION_HOST={host} kan niet: de Rasa-server praat met de actieserver via "
            "127.0.0.1 (endpoints.yml). Kies 127.0.0.1 (standaard) of 0.0.0.0."
        )
    return host


# Secrets only the action server's delivery worker needs (bot/office/delivery.py).
DELIVERY_SECRETS = ("SMTP_PASSWORD", "LEADS_WEBHOOK_SECRET")


def rasa_server_env(env: dict) -> dict:
    """The Rasa server's environment: a request-body limit and no access log (a ?token= of
    the HTTP API would end up in it), both unless set explicitly; no delivery secrets."""
    rasa_env = {k: v for k, v in env.items() if k not in DELIVERY_SECRETS}
    rasa_env["SANIC_REQUEST_MAX_SIZE"] = rasa_env.get("SANIC_REQUEST_MAX_SIZE") or str(MAX_BODY_BYTES)
    rasa_env["SANIC_ACCESS_LOG"] = rasa_env.get("SANIC_ACCESS_LOG") or "false"
    return rasa_env


def action_server_env(env: dict, host: str) -> dict:
    """The action server's environment: its listen address, and none of the Rasa server's
    secrets or body limit (it gets whole trackers from the Rasa server, on this machine)."""
    actions_env = {
        k: v
        for k, v in env.items()
        if k not in ("RASA_API_TOKEN", "RASA_JWT_SECRET", "WIDGET_SECRET", "SANIC_REQUEST_MAX_SIZE")
    }
    actions_env["SANIC_HOST"] = host  # rasa_sdk reads its listen address from SANIC_HOST
    return actions_env


def port_in_use(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def serve(rasa_port: int, action_port: int, var_dir: Path, host: str, model: Path = MODEL_FILE) -> int:
    check_knowledge()
    for port in (rasa_port, action_port):
        if port_in_use(port):  # else the health checks below would reach the other process
            raise SystemExit(
                f"Poort {port} is al in gebruik. Draait de assistent al? "
                "Stop die eerst, of kies andere poorten met --rasa-port en --action-port."
            )
    logs = var_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    env = base_env(action_port, var_dir)
    endpoints = endpoints_profile(env)
    processes: List[subprocess.Popen] = []

    def on_signal(signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    try:
        from bot.runtime.rasa_cli import api_args

        api = api_args(env)  # stops here, not in the log, when a secret is unusable
        say(
            "HTTP-API van Rasa: "
            + (
                "aan, alleen met token of JWT"
                if api
                else "uit (zet RASA_API_TOKEN of RASA_JWT_SECRET om hem aan te zetten)"
            )
        )
        from bot.office.delivery import Settings

        unsent = Settings.from_env(env).not_set_up()
        if unsent:
            say("Let op: " + unsent)
        host_of_actions = action_host(env)
        say(f"Actieserver starten op {host_of_actions}:{action_port} (log: {logs / 'actions.log'})...")
        actions_env = action_server_env(env, host_of_actions)
        actions = start(
            [
                sys.executable,
                "-m",
                "bot.runtime.action_server",
                "--actions",
                "actions",
                "--port",
                str(action_port),
            ],
            actions_env,
            logs / "actions.log",
        )
        processes.append(actions)
        say(f"Rasa-server starten op poort {rasa_port} (log: {logs / 'rasa.log'})...")
        # bot.runtime.rasa_cli adds the HTTP API's options from the environment (never on the command line)
        rasa = start(
            [
                sys.executable,
                "-m",
                "bot.runtime.rasa_cli",
                venv_bin("rasa"),
                "run",
                "--model",
                str(model),
                "--endpoints",
                endpoints,
                "--credentials",
                "credentials.yml",
                "--interface",
                host,
                "--port",
                str(rasa_port),
            ],
            rasa_server_env(env),
            logs / "rasa.log",
        )
        processes.append(rasa)

        wait_until_up(f"http://127.0.0.1:{action_port}/health", actions, logs / "actions.log", 120)
        say("Actieserver is klaar.")
        wait_until_up(f"http://127.0.0.1:{rasa_port}/health", rasa, logs / "rasa.log", 300)
        say("Rasa-server is klaar; het model is geladen.")
        say(f"\nDe assistent draait. Chat in de browser: http://localhost:{rasa_port}/chat/")
        say(f"REST: stuur berichten naar http://localhost:{rasa_port}/webhooks/rest/webhook")
        say("Stoppen: Ctrl-C.")
        return watch(processes, names=["actieserver", "Rasa-server"])
    except KeyboardInterrupt:
        say("\nStoppen...")
        return 0
    finally:
        stop(processes)
        say("Gestopt.")
