"""Honest answers (actions/answers/unknown.py): what the file does not say, with what it can
answer and the contact; a section the search found for an unsure question; a request to
rephrase what could not be read; each logged for the report of unanswered questions."""

import pytest
from rasa_sdk.events import SlotSet

from actions.actions import ActionAnswerRole, ActionNotInKnowledge
from bot.stores import unanswered
from tests.helpers import run, tracker
from tests.rendered import texts


def test_not_in_knowledge_is_honest_and_offers_questions_and_contact():
    messages, _ = run(ActionNotInKnowledge(), tracker("wat verdient een secretaresse", "out_of_scope"))
    assert "niet in mijn kennis" in messages[0]["text"]
    assert len(messages[0]["buttons"]) == 3
    assert "contact" in messages[1]["text"].lower()


def test_other_job_tagged_as_role_is_not_answered_with_our_facts(log_db):
    messages, _ = run(
        ActionAnswerRole(),
        tracker(
            "wat zijn de taken van een hr manager", "ask_tasks", roles=["hr manager"], role="secretaresse"
        ),
    )
    assert "'hr manager'" in messages[0]["text"] and "geen informatie" in messages[0]["text"]
    assert "De taken van" not in texts(messages)
    assert unanswered.most_frequent(log_db)[0][1] == "wat zijn de taken van een hr manager"


@pytest.mark.parametrize("role_in_focus", [None, "secretaresse"])
def test_other_job_the_nlu_missed_is_not_answered_with_our_facts(log_db, role_in_focus):
    messages, _ = run(
        ActionAnswerRole(),
        tracker("wat doet een directeur eigenlijk de hele dag", "ask_definition", role=role_in_focus),
    )
    assert "'directeur'" in messages[0]["text"] and "geen informatie" in messages[0]["text"]
    assert "over welke functie" not in texts(messages).lower()


def test_unsure_nlu_with_strong_search_match_answers_from_the_file(log_db):
    messages, events = run(
        ActionNotInKnowledge(), tracker("waar zorgt een office manager voor het kantoorpand", "nlu_fallback")
    )
    assert messages[0]["text"].startswith("Ik weet niet zeker")
    assert "office manager" in texts(messages[1:]) and "kantoorpand" in texts(messages[1:])
    assert SlotSet("role", "office_manager") in events  # the role's key


@pytest.mark.parametrize(
    "question",
    [
        "wat is het salaris van een secretaresse",
        "wie heeft het voetbal gewonnen gisteren",
        "hoeveel vakantiedagen krijg je als office manager",
    ],
)
def test_unsure_nlu_without_a_match_is_honest_and_logged(log_db, question):
    messages, _ = run(ActionNotInKnowledge(), tracker(question, "nlu_fallback"))
    assert "niet in mijn kennis" in messages[0]["text"]
    assert [b["title"] for b in messages[0]["buttons"]][0] == "Wat doet een office manager?"
    assert "contact" in messages[-1]["text"].lower()
    ((count, logged, _, outcome),) = unanswered.most_frequent(log_db)
    assert (count, logged, outcome) == (1, question, "niet in kennis")


@pytest.mark.parametrize("text", ["en wat verdienen ze?", "welke opleiding heeft een piloot nodig"])
def test_off_topic_question_with_a_role_in_focus_stays_honest(log_db, text):
    messages, _ = run(ActionNotInKnowledge(), tracker(text, "out_of_scope", role="secretaresse"))
    assert "niet in mijn kennis" in messages[0]["text"]


def test_gibberish_asks_to_rephrase(log_db):
    messages, _ = run(ActionNotInKnowledge(), tracker("sdfkj qwpoeiru zxcmvn", "nlu_fallback"))
    assert "andere woorden" in messages[0]["text"]
    assert unanswered.most_frequent(log_db)[0][3] == "herformuleren"


def test_what_is_not_known_stays_not_known_for_the_other_role():
    _, events = run(ActionNotInKnowledge(), "wat verdient een office manager?", "out_of_scope")
    assert SlotSet("question", "wat verdient een office manager?") in events
