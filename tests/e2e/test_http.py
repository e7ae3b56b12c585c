"""End to end: the launcher trains nothing (the model is built by `make train`), starts both
real servers on free ports, and we talk to the REST channel as the widget would."""

import os
import subprocess
import sys
import uuid

import pytest
import requests
import yaml
from rasa.shared.nlu.training_data.loading import load_data

from actions import knowledge as kb
from bot.runtime.launcher import port_in_use
from bot.tools import CASES, NLU_CASES
from tests.e2e.assistant import PROJECT, Assistant


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
KNOWLEDGE = kb.load(kb.DEFAULT_PATH)
ROLE_FACT_HEADINGS = [
    KNOWLEDGE.heading(role, aspect) for role in KNOWLEDGE.roles for aspect in KNOWLEDGE.aspects
] + [
    "Het verschil",
    "Dat klinkt als",
    "Dan past de functie",
    "Ja,",
    "Ja.",
    "Nee, dat hoort",
    "Dat is de",
    "Dat doet de",
]


def test_every_heldout_out_of_scope_question_gets_the_honest_answer(assistant):
    questions = [
        m.get("text")
        for m in load_data(str(NLU_CASES / "nlu_heldout.yml")).nlu_examples
        if m.get("intent") == "out_of_scope"
    ]
    assert len(questions) >= 20
    wrong = []
    for question in questions:
        reply = assistant.ask(f"oos-{uuid.uuid4().hex[:8]}", question)
        if not any(h in reply for h in HONEST) or any(h in reply for h in ROLE_FACT_HEADINGS):
            wrong.append(f"{question!r} -> {reply[:120]!r}")
    assert not wrong, "\n".join(wrong)


# answer_cases_direct.yml: held-out conversations of every kind the direct-answers issue names
# (yes/no facts, the other role's task, which of the two, growth, advice, forms, typos, ...);
# answer_cases_other_jobs.yml: jobs we know nothing about, and other jobs named in passing;
# answer_cases_two_parts.yml: yes/no questions of two parts; answer_cases_one_role.yml: one role
# asked about, or compared while naming only one; answer_cases_agency.yml: the agency itself.
@pytest.mark.parametrize(
    "cases, floor",
    [
        ("answer_cases.yml", 0.90),
        ("answer_cases_direct.yml", 0.85),
        ("answer_cases_other_jobs.yml", 0.78),
        ("answer_cases_two_parts.yml", 0.70),
        ("answer_cases_one_role.yml", 0.65),
        ("answer_cases_agency.yml", 0.65),
    ],
)
def test_answer_quality_on_our_own_end_to_end_cases(assistant, cases, floor):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "answers",
            "--url",
            f"http://127.0.0.1:{assistant.rasa_port}",
            "--cases",
            str(CASES / cases),
            "--floor",
            str(floor),
        ],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    print(cases, result.stdout[-3000:])
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]  # share >= floor


def test_stop_ends_both_servers_and_restart_keeps_the_conversation(tmp_path):
    first = Assistant(tmp_path).start()  # its own servers: the module's stay up for other tests
    sender = f"e2e-{uuid.uuid4().hex[:8]}"
    assert "secretaresse" in first.ask(sender, "vertel me over de secretaresse").lower()

    assert first.stop() == 0
    assert not port_in_use(first.rasa_port) and not port_in_use(first.action_port)

    restarted = Assistant(tmp_path).start()
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
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--no-train"],
        cwd=PROJECT,
        env=dict(os.environ, KNOWLEDGE_FILE=str(broken)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert str(broken) in result.stderr
    assert "roles.office_manager.aspects.taken" in result.stderr and "ontbreekt" in result.stderr


@pytest.mark.parametrize(
    "body, status, says",
    [
        ({"sender": "bad-1", "message": "wat doet een office manager " * 4000}, 413, "te lang"),
        ({"sender": "bad-2"}, 400, "'message'"),
        ({"sender": "bad-3", "message": 123}, 400, "'message'"),
        ({"sender": "x" * 10000, "message": "hallo"}, 400, "'sender'"),
        (["geen", "object"], 400, "JSON-object"),
    ],
)
def test_bad_requests_get_a_clear_dutch_4xx(assistant, body, status, says):
    response = requests.post(assistant.url, json=body, timeout=30)
    assert response.status_code == status and says in response.json()["error"]


@pytest.mark.parametrize(
    "raw, says",
    [
        (b'{"sender": "bad-4", "message": "wat doet', "Ongeldige JSON"),  # cut-off JSON
        (b'{"sender": "bad-5", "message": "\xff\xfe secretaresse"}', "Ongeldige JSON"),  # not UTF-8
        (b'{"sender": 5, "message": "hallo"}', "'sender'"),  # wrong type
    ],
)
def test_broken_bodies_get_a_clear_dutch_400(assistant, raw, says):
    response = requests.post(
        assistant.url, data=raw, timeout=30, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400 and says in response.json()["error"]
    assert "HBO" in assistant.ask(
        f"odd-{uuid.uuid4().hex[:6]}", "welke opleiding heeft een office manager nodig"
    )


@pytest.mark.parametrize(
    "message, answer",
    [
        ("", "andere woorden"),
        ("   ", "andere woorden"),
        ("😀👍", "andere woorden"),
        ("wat\x00doet\x07een secretaresse", "Wat doet een secretaresse?"),
        ("<script>alert(1)</script>", "niet"),
        ("'; DROP TABLE events; --", "niet"),
    ],
)
def test_odd_messages_get_a_polite_reply_and_the_server_stays_up(assistant, message, answer):
    assert answer in assistant.ask(f"odd-{uuid.uuid4().hex[:6]}", message)
    assert "HBO" in assistant.ask(
        f"odd-{uuid.uuid4().hex[:6]}", "welke opleiding heeft een office manager nodig"
    )
