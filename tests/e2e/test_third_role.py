"""A content editor adds a role to the knowledge file, and the running actions answer it with
no change to Python: its definition, a comparison on one dimension, and a follow-up.

The action server is started for real with KNOWLEDGE_FILE pointing to a copy of the knowledge
file with a third role, and called over HTTP the way the Rasa server calls it.
"""

import copy
import os
import subprocess
import sys
import time

import pytest
import requests
import yaml

from actions.knowledge import DEFAULT_PATH
from bot.runtime.instance import free_port
from tests.e2e.assistant import PROJECT

NAME = "personal assistant"
DEFINITION = "Een personal assistant ondersteunt één drukke leidinggevende persoonlijk (testfeit)."
EDUCATION = "Voor een personal assistant vraagt men een afgeronde opleiding (testfeit opleiding)."


def with_third_role() -> dict:
    data = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    role = copy.deepcopy(data["roles"]["secretaresse"])
    role.update(name=NAME, aliases=[NAME, "personal assistent"], advice="Kies een PA (testfeit).")
    for aspect in role["aspects"]:
        role["aspects"][aspect] = {"source": "test", "text": f"Over {aspect} van een PA (testfeit)."}
    role["aspects"]["definitie"]["text"] = DEFINITION
    role["aspects"]["opleiding"]["text"] = EDUCATION
    data["roles"]["personal_assistant"] = role
    data["comparisons"]["opleiding"]["roles"]["personal_assistant"] = EDUCATION
    return data


@pytest.fixture(scope="module")
def actions_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("third-role")
    knowledge = folder / "knowledge.yml"
    knowledge.write_text(yaml.safe_dump(with_third_role(), allow_unicode=True), encoding="utf-8")
    port = free_port()
    env = dict(
        os.environ,
        KNOWLEDGE_FILE=str(knowledge),
        UNANSWERED_DB=str(folder / "u.db"),
        LEADS_DB=str(folder / "l.db"),
        TRACKER_DB=str(folder / "t.db"),
        SANIC_HOST="127.0.0.1",
    )
    log = open(folder / "actions.log", "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.runtime.action_server", "--actions", "actions", "--port", str(port)],
        cwd=PROJECT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if requests.get(f"{url}/health", timeout=1).ok:
                break
        except requests.ConnectionError:
            time.sleep(0.5)
    else:
        pytest.fail("action server did not start:\n" + (folder / "actions.log").read_text()[-2000:])
    yield url
    process.terminate()
    process.wait(timeout=30)


def call(url: str, action: str, text: str, intent: str, **slots) -> str:
    tracker = {
        "sender_id": "third-role",
        "slots": slots,
        "events": [],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": None,
        "latest_message": {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []},
    }
    response = requests.post(
        f"{url}/webhook",
        json={"next_action": action, "sender_id": "third-role", "tracker": tracker, "domain": {}},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return "\n".join(r.get("text") or "" for r in response.json()["responses"])


def test_definition_of_the_new_role(actions_url):
    answer = call(actions_url, "action_answer_role", "wat doet een personal assistant?", "ask_definition")
    assert answer.startswith("Wat doet een personal assistant?") and DEFINITION in answer


def test_comparison_on_one_dimension_with_the_new_role(actions_url):
    answer = call(
        actions_url,
        "action_answer_difference",
        "verschil in opleiding tussen een personal assistant en een secretaresse",
        "ask_difference",
    )
    assert answer.startswith("Het verschil in opleiding")
    assert f"• Personal assistant: {EDUCATION}" in answer and "• Secretaresse:" in answer
    assert "• Office manager:" not in answer  # only the two roles asked about


def test_follow_up_about_the_new_role_keeps_the_aspect(actions_url):
    answer = call(
        actions_url,
        "action_answer_role",
        "en een personal assistent?",
        "inform_role",
        aspect="opleiding",
        role="secretaresse",
    )
    assert answer.startswith("Opleiding en ervaring van een personal assistant") and EDUCATION in answer
