"""Two Sanic workers on the SQLite profile (what `make run` starts on a machine with two cores):
one conversation's messages sent at once, to whichever worker, are all answered, each with its
own answer, one after the other; a widget retry that reaches the other worker is answered
once; the rate limit holds for the server, not per worker."""

import sqlite3
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

QUESTIONS = {
    "wat doet een office manager": "office manager",
    "wat doet een secretaresse": "secretaresse",
    "welke opleiding heeft een secretaresse": "secretaresse",
    "welke opleiding heeft een office manager": "office manager",
    "taken van een secretaresse": "secretaresse",
    "taken van een office manager": "office manager",
    "competenties van een secretaresse": "secretaresse",
    "competenties van een office manager": "office manager",
}


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory):
    from tests.e2e.assistant import Assistant

    running = Assistant(tmp_path_factory.mktemp("workers"), env={"SANIC_WORKERS": "2"}).start()
    yield running
    running.stop()


def stored_events(running, sender: str) -> list:
    db = sqlite3.connect(f"file:{running.var_dir / 'tracker.db'}?mode=ro", uri=True)
    return db.execute(
        "SELECT type_name, data FROM events WHERE sender_id = ? ORDER BY id", (sender,)
    ).fetchall()


def at_once(function, items) -> list:
    with ThreadPoolExecutor(len(items)) as pool:
        return list(pool.map(function, items))


def test_the_rasa_server_runs_two_workers(two_workers):
    assert len(two_workers.pids()["rasa"]) == 3  # the main process and its two workers


def test_one_conversations_messages_sent_at_once_are_each_answered_in_turn(two_workers):
    sender = f"tegelijk-{uuid.uuid4().hex[:8]}"
    replies = at_once(lambda question: two_workers.ask(sender, question), list(QUESTIONS))
    for (question, role), reply in zip(QUESTIONS.items(), replies):
        assert role in reply.lower(), (question, reply)  # its own answer, not another's
    kinds = [kind for kind, _data in stored_events(two_workers, sender) if kind in ("user", "bot")]
    assert kinds.count("user") == len(QUESTIONS)  # none lost
    turns = "".join("u" if kind == "user" else "b" for kind in kinds)
    assert "uu" not in turns and turns.startswith("u") and turns.endswith("b")  # one after the other


def widget_session(running) -> str:
    base = f"http://127.0.0.1:{running.rasa_port}"
    return requests.post(base + "/chat/api/session", timeout=60).json()["token"]


def send(running, token: str, text: str, client_id: str) -> requests.Response:
    return requests.post(
        f"http://127.0.0.1:{running.rasa_port}/chat/api/message",
        timeout=60,
        headers={"Authorization": f"Bearer {token}"},
        json={"text": text, "client_id": client_id},
    )


def test_a_widget_retry_reaching_the_other_worker_is_answered_once(two_workers):
    token = widget_session(two_workers)
    client_id = uuid.uuid4().hex
    responses = at_once(lambda _: send(two_workers, token, "wat doet een secretaresse", client_id), range(6))
    assert {r.status_code for r in responses} == {200}
    answers = [r.json()["messages"] for r in responses]
    assert answers[0] and all(answer == answers[0] for answer in answers)
    session_id = token.split(".")[0]
    users = [data for kind, data in stored_events(two_workers, session_id) if kind == "user"]
    assert sum(client_id in data for data in users) == 1


def test_the_rate_limit_holds_for_the_server_not_per_worker(two_workers):
    token = widget_session(two_workers)
    responses = at_once(lambda i: send(two_workers, token, "hallo", uuid.uuid4().hex), range(26))
    codes = [r.status_code for r in responses]
    assert codes.count(200) == 20 and codes.count(429) == 6  # WIDGET_RATE_LIMIT 20/60; not 40
