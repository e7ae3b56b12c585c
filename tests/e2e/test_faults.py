"""Faults injected into the running assistant: the action server killed or frozen, the Rasa
server killed with `kill -9`. The visitor gets a polite Dutch message within seconds, the
launcher restarts what died, and the conversation carries on with its context; stored
vacancy requests and the unanswered-question log survive."""

import os
import signal
import subprocess
import sys
import time
import uuid

import requests

from bot.runtime.instance import server_pids
from bot.runtime.rasa_changes import ACTION_TIMEOUT
from bot.runtime.texts import response_text
from tests.e2e.assistant import PROJECT
from tests.e2e.test_intake import fill_intake, leads_csv


def action_server(assistant) -> list:
    pids = server_pids(assistant.rasa_port, assistant.action_port)["actions"]
    assert pids, "action server not found"
    return pids


def rasa_server(assistant) -> list:
    pids = server_pids(assistant.rasa_port, assistant.action_port)["rasa"]
    assert pids, "Rasa server not found"
    return pids


def wait_for(url: str, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{url} did not come back within {timeout} s")


def timed_ask(assistant, sender: str, text: str):
    started = time.monotonic()
    reply = assistant.ask(sender, text)
    return reply, time.monotonic() - started


def test_killed_action_server_gets_an_apology_then_the_conversation_carries_on(assistant):
    sender = f"fault-{uuid.uuid4().hex[:8]}"
    assert assistant.ask(sender, "wat doet een office manager").startswith("Wat doet een office manager")

    for pid in action_server(assistant):
        os.kill(pid, signal.SIGKILL)
    reply, seconds = timed_ask(assistant, sender, "welke opleiding heb je daarvoor nodig?")
    assert reply == response_text("utter_no_reply") and seconds < 3

    wait_for(f"http://127.0.0.1:{assistant.action_port}/health")  # restarted by the launcher
    assert "opnieuw gestart" in assistant.output.read_text()
    # The role in focus is still the office manager; a switch of role still works.
    assert assistant.ask(sender, "welke opleiding heb je daarvoor nodig?").startswith(
        "Opleiding en ervaring van een office manager"
    )
    assert assistant.ask(sender, "en een secretaresse?").startswith(
        "Opleiding en ervaring van een secretaresse"
    )


def test_frozen_action_server_gets_an_apology_within_the_timeout(assistant):
    sender = f"slow-{uuid.uuid4().hex[:8]}"
    assert assistant.ask(sender, "vertel me over de secretaresse").lower().count("secretaresse")
    frozen = action_server(assistant)
    for pid in frozen:
        os.kill(pid, signal.SIGSTOP)
    try:
        reply, seconds = timed_ask(assistant, sender, "en qua competenties?")
    finally:
        for pid in frozen:
            os.kill(pid, signal.SIGCONT)
    assert reply == response_text("utter_no_reply")
    assert ACTION_TIMEOUT - 0.5 < seconds < 2 * ACTION_TIMEOUT + 3, seconds
    assert assistant.ask(sender, "en qua competenties?").startswith("Competenties van een secretaresse")


def test_kill_9_of_the_rasa_server_loses_no_conversation_request_or_log(assistant, var_dir):
    sender = f"crash-{uuid.uuid4().hex[:8]}"
    assert "opgeslagen onder nummer" in fill_intake(assistant, sender) + assistant.ask(sender, "ja")
    assert "niet in mijn kennis" in assistant.ask(sender, "wat verdient een secretaresse per maand?")
    assert assistant.ask(sender, "wat doet een secretaresse").startswith("Wat doet een secretaresse")

    for pid in rasa_server(assistant):
        os.kill(pid, signal.SIGKILL)
    wait_for(f"http://127.0.0.1:{assistant.rasa_port}/webhooks/rest/")  # restarted by the launcher

    # Only the role remembered in the SQLite tracker store can answer this.
    assert assistant.ask(sender, "welke opleiding is daarvoor nodig?").startswith(
        "Opleiding en ervaring van een secretaresse"
    )
    assert [row["contact_name"] for row in leads_csv(var_dir)] == ["Jan Jansen"]
    report = subprocess.run(
        [sys.executable, "-m", "bot", "report", "--db", str(var_dir / "unanswered.db")],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "wat verdient een secretaresse per maand?" in report
