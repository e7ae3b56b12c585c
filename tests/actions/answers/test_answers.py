"""Building an answer (actions/answers/__init__.py): the builder of each kind of plan, the note
for the report of unanswered questions, what the turn adds to the conversation, and the note in
English before an English question's answer."""

import ast
import sqlite3
from pathlib import Path

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import decide as decide_module
from actions.actions import ActionAnswerDifference, ActionAnswerRole
from actions.answers import BUILDERS, build
from actions.decide import Plan
from actions.turn import Turn, focus_events
from tests.helpers import run, tracker
from tests.rendered import texts


def test_english_question_gets_a_note_in_english():
    messages, _ = run(
        ActionAnswerDifference(),
        tracker(
            "what's the difference between an office manager and a secretary?",
            "ask_difference",
            roles=["office manager", "secretaresse"],
        ),
    )
    assert messages[0]["text"].startswith("(I answer in Dutch")
    assert "strategisch" in texts(messages[1:])


def test_button_payloads_are_not_taken_for_english():
    messages, _ = run(
        ActionAnswerRole(),
        tracker('/ask_definition{"role": "office manager"}', "ask_definition", roles=["office manager"]),
    )
    assert not messages[0]["text"].startswith("(I answer in Dutch")


def test_dutch_with_english_looking_words_gets_no_english_note():
    messages, _ = run(ActionAnswerRole(), "is office manager een hbo functie", "ask_education")
    assert not any(m["text"].startswith("(I answer in Dutch") for m in messages)


# ---- build() ------------------------------------------------------------------------------------


def turn_of(text, intent="ask_definition", **slots):
    return Turn.read(tracker(text, intent, **slots), "action_answer_role")


def test_every_kind_of_plan_decide_makes_has_its_builder():
    source = ast.parse(Path(decide_module.__file__).read_text())
    kinds = {
        node.args[0].value
        for node in ast.walk(source)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", "") == "plan"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }
    assert {"topic", "yes_no", "difference", "recommend", "not_in_knowledge", "each"} <= kinds  # found them
    assert kinds - set(BUILDERS) == set()


def test_a_plan_with_a_note_is_logged_with_the_nlus_guess_and_one_without_is_not(log_db):
    turn = turn_of("wat verdient een secretaresse", "nlu_fallback")
    turn.ranking = [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "out_of_scope", "confidence": 0.3}]
    build(CollectingDispatcher(), turn, Plan("what_else", {}, ("zoeken: niets gevonden", "niet in kennis")))
    build(CollectingDispatcher(), turn_of("wat doet een secretaresse"), Plan("what_else", {}))
    with sqlite3.connect(log_db) as db:
        logged = db.execute("SELECT question, intent, confidence, tried, outcome FROM unanswered").fetchall()
    assert logged == [
        ("wat verdient een secretaresse", "out_of_scope", 0.3, "zoeken: niets gevonden", "niet in kennis")
    ]


def test_the_answers_events_come_first_then_what_the_turn_adds():
    out = CollectingDispatcher()
    turn = turn_of("ik heb mbo 4 gedaan", "tell_situation", told=["ik plan graag"])
    events = build(out, turn, Plan("topic", {"roles": ["secretaresse"], "aspect": "opleiding"}))
    assert events == focus_events("secretaresse", "opleiding") + [
        SlotSet("told", ["ik plan graag", "ik heb mbo 4 gedaan"])
    ]
    assert texts(out.messages).startswith("Opleiding en ervaring van een secretaresse")


def test_each_builds_its_plans_in_turn_and_the_last_focus_wins():
    out = CollectingDispatcher()
    plans = [
        Plan("topic", {"roles": ["office_manager"], "aspect": "taken"}),
        Plan("topic", {"roles": ["secretaresse"], "aspect": "opleiding"}),
    ]
    events = build(out, turn_of("vertel eens"), Plan("each", {"plans": plans}))
    assert [m["text"].splitlines()[0] for m in out.messages] == [
        "De taken van een office manager",
        "Opleiding en ervaring van een secretaresse",
    ]
    slots = {}
    for event in events:
        slots[event["name"]] = event["value"]
    assert (slots["role"], slots["aspect"]) == ("secretaresse", "opleiding")
