"""Building an answer (actions/answers/__init__.py): the builder of each kind of plan, the note
for the report of unanswered questions, what the turn adds to the conversation, and the note in
English before an English question's answer."""
from actions.actions import ActionAnswerDifference, ActionAnswerRole
from tests.helpers import run, tracker
from tests.rendered import texts


def test_english_question_gets_a_note_in_english():
    messages, _ = run(ActionAnswerDifference(), tracker(
        "what's the difference between an office manager and a secretary?", "ask_difference",
        roles=["office manager", "secretaresse"]))
    assert messages[0]["text"].startswith("(I answer in Dutch")
    assert "strategisch" in texts(messages[1:])


def test_button_payloads_are_not_taken_for_english():
    messages, _ = run(ActionAnswerRole(), tracker('/ask_definition{"role": "office manager"}', "ask_definition",
                                                  roles=["office manager"]))
    assert not messages[0]["text"].startswith("(I answer in Dutch")


def test_dutch_with_english_looking_words_gets_no_english_note():
    messages, _ = run(ActionAnswerRole(), "is office manager een hbo functie", "ask_education")
    assert not any(m["text"].startswith("(I answer in Dutch") for m in messages)
