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

PROJECT = Path(__file__).resolve().parent.parent
MODELS = PROJECT / "models"
MODEL_NAME = "role-advice"
MODEL_FILE = MODELS / f"{MODEL_NAME}.tar.gz"
FINGERPRINT_FILE = MODELS / f"{MODEL_NAME}.fingerprint"
SPACY_PIPELINE = PROJECT / "build" / "spacy_nl"
# Everything that changes the trained model; anything else (actions, knowledge) does not.
TRAINING_INPUTS = ["config.yml", "domain.yml", "data"]


def say(message: str) -> None:
    print(message, flush=True)


def base_env(action_port: int = 5055, var_dir: Path = PROJECT / "var") -> dict:
    env = dict(os.environ)
    env.update({
        "RASA_TELEMETRY_ENABLED": "false",  # nothing leaves the machine
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "PYTHONPATH": str(PROJECT),
        "ACTION_PORT": str(action_port),
        "TRACKER_DB": str(var_dir / "tracker.db"),
        "UNANSWERED_DB": str(var_dir / "unanswered.db"),
        "LEADS_DB": str(var_dir / "leads.db"),
        "WIDGET_VAR_DIR": str(var_dir),  # the chat widget's token secret lives here
    })
    return env


def venv_bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


# ---- training --------------------------------------------------------------------------------

def training_fingerprint() -> str:
    digest = hashlib.sha256()
    files: List[Path] = []
    for name in TRAINING_INPUTS:
        path = PROJECT / name
        files += sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    files.append(SPACY_PIPELINE / "meta.json")
    for path in files:
        digest.update(str(path.relative_to(PROJECT)).encode())
        digest.update(path.read_bytes())
    digest.update(importlib.metadata.version("rasa").encode())  # the model depends on it too
    return digest.hexdigest()


def train_if_needed(force: bool = False) -> None:
    fingerprint = training_fingerprint()
    if (not force and MODEL_FILE.exists() and FINGERPRINT_FILE.exists()
            and FINGERPRINT_FILE.read_text().strip() == fingerprint):
        say(f"Model is actueel ({MODEL_FILE.relative_to(PROJECT)}); training overgeslagen.")
        return
    say("Trainingsdata, config of domain is veranderd: het model wordt getraind (enkele minuten)...")
    started = time.monotonic()
    command = [venv_bin("rasa"), "train", "--fixed-model-name", MODEL_NAME, "--out", str(MODELS),
               "--force"]
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
            raise SystemExit(f"Proces gestopt (exitcode {process.returncode}); laatste regels van {log}:\n{tail}")
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
    return subprocess.Popen(command, cwd=PROJECT, env=env, stdout=handle,
                            stderr=subprocess.STDOUT, start_new_session=True)


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


def port_in_use(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def serve(rasa_port: int, action_port: int, var_dir: Path, host: str, model: Path = MODEL_FILE) -> int:
    check_knowledge()
    for port in (rasa_port, action_port):
        if port_in_use(port):  # else the health checks below would reach the other process
            raise SystemExit(f"Poort {port} is al in gebruik. Draait de assistent al? "
                             "Stop die eerst, of kies andere poorten met --rasa-port en --action-port.")
    logs = var_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    env = base_env(action_port, var_dir)
    processes: List[subprocess.Popen] = []

    def on_signal(signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    try:
        say(f"Actieserver starten op poort {action_port} (log: {logs / 'actions.log'})...")
        actions_env = dict(env, SANIC_HOST="127.0.0.1")  # only the Rasa server talks to it
        actions = start([sys.executable, "-m", "rasa_sdk", "--actions", "actions",
                         "--port", str(action_port)], actions_env, logs / "actions.log")
        processes.append(actions)
        say(f"Rasa-server starten op poort {rasa_port} (log: {logs / 'rasa.log'})...")
        rasa = start([venv_bin("rasa"), "run", "--model", str(model),
                      "--endpoints", "endpoints.yml", "--credentials", "credentials.yml",
                      "--interface", host, "--port", str(rasa_port)], env, logs / "rasa.log")
        processes.append(rasa)

        wait_until_up(f"http://127.0.0.1:{action_port}/health", actions, logs / "actions.log", 120)
        say("Actieserver is klaar.")
        wait_until_up(f"http://127.0.0.1:{rasa_port}/webhooks/rest/", rasa, logs / "rasa.log", 300)
        say("Rasa-server is klaar; het model is geladen.")
        say(f"\nDe assistent draait. Chat in de browser: http://localhost:{rasa_port}/chat/")
        say(f"REST: stuur berichten naar http://localhost:{rasa_port}/webhooks/rest/webhook")
        say("Stoppen: Ctrl-C.")
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
        dead = next(p for p in processes if p.poll() is not None)
        name = "actieserver" if dead is actions else "Rasa-server"
        say(f"De {name} is onverwacht gestopt (exitcode {dead.returncode}); alles wordt gestopt.")
        return 1
    except KeyboardInterrupt:
        say("\nStoppen...")
        return 0
    finally:
        stop(processes)
        say("Gestopt.")
