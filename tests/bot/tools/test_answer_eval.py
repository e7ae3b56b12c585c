"""Whole answers scored (bot/tools/answer_eval.py) without a server: a fake webhook gives the
replies, so the scoring of a case against given replies is what is tested. The case files
themselves (tests/cases/answer_cases*.yml) are checked for the form the tool reads."""

import argparse

import pytest
import yaml

from bot.tools import CASES, answer_eval
from bot.tools.answer_eval import reply_text, turn_passes


def test_the_reply_is_every_text_and_button_title_lower_case_without_accents():
    messages = [
        {"text": "Wat doet een Secretaresse?"},
        {"text": None, "buttons": [{"title": "Één vraag"}]},
        {"image": "x.png"},
    ]
    assert reply_text(messages) == "wat doet een secretaresse?\n\neen vraag"


@pytest.mark.parametrize(
    "turn, passes",
    [
        ({"must": [["hbo"], ["ervaring", "jaren"]]}, True),  # one of each group
        ({"must": [["hbo"], ["diploma"]]}, False),  # a group with none of its words
        ({"must": ["HBO"]}, True),  # a lone string is a group of one; folded
        ({"must": [["hbo"]], "must_not": ["Niet in mijn kennis"]}, True),
        ({"must": [["hbo"]], "must_not": ["ervaring"]}, False),
        ({}, True),  # only that there is a reply
    ],
)
def test_a_turn_passes_with_a_word_of_every_group_and_none_it_must_not_have(turn, passes):
    reply = reply_text([{"text": "Meestal HBO-niveau en een paar jaar ervaring."}])
    assert turn_passes(turn, reply) is passes


def test_an_empty_reply_never_passes():
    assert not turn_passes({}, reply_text([]))
    assert not turn_passes({"must_not": ["x"]}, "  \n")


class Webhook:
    """Stands in for requests.post to the REST channel: a reply per message, by its text."""

    def __init__(self, replies):
        self.replies, self.senders = replies, []

    def __call__(self, url, json, timeout):
        assert url == "http://bot:5005/webhooks/rest/webhook"
        self.senders.append(json["sender"])
        answer = self.replies.get(json["message"])
        return type(
            "Reply",
            (),
            {"status_code": 200 if answer is not None else 500, "json": lambda self: [{"text": answer}]},
        )()


CASE_FILE = [
    {"id": "een", "cat": "definitie", "say": "wat doet een secretaresse", "must": [["agenda"]]},
    {"id": "twee", "cat": "definitie", "say": "wat doet een office manager", "must": [["kantoor"]]},
    {
        "id": "drie",
        "cat": "gesprek",
        "turns": [
            {"say": "ik plan graag", "must_not": ["niet in mijn kennis"]},
            {"say": "wat past bij mij?", "must": [["secretaresse"]]},
        ],
    },
]
REPLIES = {
    "wat doet een secretaresse": "Ze beheert de agenda.",
    "wat doet een office manager": "Het budget.",
    "ik plan graag": "Fijn!",
    "wat past bij mij?": "De functie secretaresse.",
}


def test_a_case_passes_when_every_turn_does_each_case_with_a_sender_of_its_own(monkeypatch):
    webhook = Webhook(REPLIES)
    monkeypatch.setattr(answer_eval.requests, "post", webhook)
    assert answer_eval.run_case("http://bot:5005", CASE_FILE[2]) == (True, [])
    assert webhook.senders[0] == webhook.senders[1] and webhook.senders[0].startswith("answers-drie-")
    ok, failures = answer_eval.run_case("http://bot:5005", CASE_FILE[1])
    assert not ok and failures == ["twee: 'wat doet een office manager' -> 'het budget.'"]
    assert webhook.senders[2] != webhook.senders[0]
    ok, failures = answer_eval.run_case("http://bot:5005", {"id": "vier", "say": "onbekend", "must": []})
    assert not ok and failures == ["vier: 'onbekend' -> ''"]  # an error status is an empty reply


def test_the_share_per_category_and_the_floor_decide_the_exit_code(tmp_path, monkeypatch, capsys):
    cases = tmp_path / "cases.yml"
    cases.write_text(yaml.safe_dump(CASE_FILE), encoding="utf-8")
    monkeypatch.setattr(answer_eval.requests, "post", Webhook(REPLIES))
    share, by_category, failures = answer_eval.evaluate("http://bot:5005", cases)
    assert (share, by_category) == (pytest.approx(2 / 3), {"definitie": [1, 2], "gesprek": [1, 1]})
    assert len(failures) == 1 and failures[0].startswith("twee:")
    assert answer_eval.main(argparse.Namespace(url="http://bot:5005", cases=cases, floor=0.6)) == 0
    assert answer_eval.main(argparse.Namespace(url="http://bot:5005", cases=cases, floor=0.7)) == 1
    printed = capsys.readouterr().out
    assert "FOUT twee:" in printed and "totaal 66.7%" in printed
    assert "ONDER DE ONDERGRENS: 66.7% < 70.0%" in printed


@pytest.mark.parametrize("path", sorted(CASES.glob("answer_cases*.yml")), ids=lambda path: path.name)
def test_every_case_file_has_cases_the_tool_can_read(path):
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert cases and len({case["id"] for case in cases}) == len(cases)  # ids name the failures: unique
    for case in cases:
        assert case.get("cat"), case["id"]
        turns = case.get("turns") or [case]  # a turn without must or must_not only sets the scene
        assert any(turn.get("must") or turn.get("must_not") for turn in turns), case["id"]
        for turn in turns:
            assert isinstance(turn["say"], str) and turn["say"].strip(), case["id"]
            groups = [[g] if isinstance(g, str) else g for g in turn.get("must", [])]
            assert all(group and all(isinstance(s, str) for s in group) for group in groups), case["id"]


def test_the_default_case_file_is_the_first_set():
    assert answer_eval.DEFAULT_CASES == CASES / "answer_cases.yml" and answer_eval.DEFAULT_CASES.exists()
