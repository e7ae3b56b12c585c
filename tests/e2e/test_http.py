"""End to end: the launcher trains nothing (the model is built by `make train`), starts both
real servers on free ports, and we talk to the REST channel as the widget would."""
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
import yaml
from rasa.shared.nlu.training_data.loading import load_data

from actions.knowledge import ASPECT_HEADINGS
from bot import answer_eval

PROJECT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Assistant:
    """One `python -m bot run` process (which owns the action server and the Rasa server)."""

    def __init__(self, var_dir: Path):
        self.var_dir = var_dir
        self.rasa_port, self.action_port = free_port(), free_port()
        self.process = None
        self.output = var_dir / "launcher.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}/webhooks/rest/webhook"

    def start(self, timeout: float = 240) -> "Assistant":
        seen = self.output.stat().st_size if self.output.exists() else 0  # an earlier run's lines
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--no-train", "--rasa-port", str(self.rasa_port),
             "--action-port", str(self.action_port), "--var-dir", str(self.var_dir)],
            cwd=PROJECT, stdout=open(self.output, "ab"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if b"De assistent draait" in self.output.read_bytes()[seen:]:
                return self
            if self.process.poll() is not None:
                break
            time.sleep(0.5)
        self.process.kill()
        pytest.fail("assistant did not start:\n" + self.output.read_text(errors="replace")[-3000:])

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=60)

    def ask(self, sender: str, message: str) -> str:
        response = requests.post(self.url, json={"sender": sender, "message": message}, timeout=30)
        assert response.status_code == 200
        messages = response.json()
        assert messages, f"empty reply to {message!r}"
        return "\n".join(m.get("text", "") for m in messages)


def port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("var")


@pytest.fixture(scope="module")
def assistant(var_dir):
    running = Assistant(var_dir).start()
    yield running
    if running.process.poll() is None:
        running.stop()


def test_the_four_questions_of_the_foundation(assistant):
    sender = f"e2e-{uuid.uuid4().hex[:8]}"
    om = assistant.ask(sender, "wat doet een office manager").lower()
    assert "kantoor" in om and "coördin" in om and "organis" in om

    se = assistant.ask(sender, "en een secretaresse?").lower()
    assert se.startswith("wat doet een secretaresse")
    for fact in ("telefoon", "e-mail", "agenda", "afspraken"):
        assert fact in se

    comp = assistant.ask(f"e2e-{uuid.uuid4().hex[:8]}", "verschil in competenties").lower()
    assert "office manager" in comp and "secretaresse" in comp
    assert "leiderschap" in comp and "strategisch" in comp and "operationeel" in comp

    edu = assistant.ask(f"e2e-{uuid.uuid4().hex[:8]}", "welke opleiding heeft een office manager nodig")
    assert "HBO" in edu


def test_out_of_scope_gets_the_honest_answer(assistant):
    reply = assistant.ask(f"e2e-{uuid.uuid4().hex[:8]}", "wat is het salaris van een secretaresse?")
    assert "niet in mijn kennis" in reply


HONEST = ("niet in mijn kennis", "geen informatie", "andere woorden")
ROLE_FACT_HEADINGS = [h.format(name=n).split("{")[0] for h in ASPECT_HEADINGS.values()
                      for n in ("office manager", "secretaresse")] + ["Het verschil", "Dat klinkt als"]


def test_every_heldout_out_of_scope_question_gets_the_honest_answer(assistant):
    questions = [m.get("text") for m in load_data(str(PROJECT / "tests" / "nlu_heldout.yml")).nlu_examples
                 if m.get("intent") == "out_of_scope"]
    assert len(questions) >= 20
    wrong = []
    for question in questions:
        reply = assistant.ask(f"oos-{uuid.uuid4().hex[:8]}", question)
        if not any(h in reply for h in HONEST) or any(h in reply for h in ROLE_FACT_HEADINGS):
            wrong.append(f"{question!r} -> {reply[:120]!r}")
    assert not wrong, "\n".join(wrong)


def test_answer_quality_on_our_own_end_to_end_cases(assistant):
    share, by_category, failures = answer_eval.evaluate(f"http://127.0.0.1:{assistant.rasa_port}")
    print(f"answer cases: {share:.1%}", by_category)
    assert share >= 0.90, "\n".join(failures)


def test_stop_ends_both_servers_and_restart_keeps_the_conversation(assistant, var_dir):
    sender = f"e2e-{uuid.uuid4().hex[:8]}"
    assert "secretaresse" in assistant.ask(sender, "vertel me over de secretaresse").lower()

    assert assistant.stop() == 0
    assert not port_open(assistant.rasa_port) and not port_open(assistant.action_port)

    restarted = Assistant(var_dir).start()
    try:
        # No role named: only the role remembered in the SQLite tracker store can answer this.
        reply = restarted.ask(sender, "welke opleiding is daarvoor nodig?")
        assert reply.startswith("Opleiding en ervaring van een secretaresse")
    finally:
        assert restarted.stop() == 0


def test_broken_knowledge_file_stops_start_up(tmp_path):
    data = yaml.safe_load((PROJECT / "knowledge" / "knowledge.yml").read_text(encoding="utf-8"))
    del data["roles"]["office_manager"]["aspects"]["taken"]
    broken = tmp_path / "kennis.yml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "bot", "run", "--no-train"], cwd=PROJECT,
                            env=dict(os.environ, KNOWLEDGE_FILE=str(broken)),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert str(broken) in result.stderr
    assert "roles.office_manager.aspects.taken" in result.stderr and "ontbreekt" in result.stderr
