"""A topic of a role (actions/answers/role_topic.py): the section of the knowledge file for the role
asked about, in focus or named; the question which role when there is none; what it takes to
become one. Through the answer actions, on trackers built in code."""

import pytest
from rasa_sdk.events import SlotSet

from actions.actions import ActionAnswerRole, ActionNotInKnowledge, ActionRoleAdvice
from tests.helpers import first, run, tracker
from tests.rendered import texts


def test_definition_of_office_manager():
    messages, events = run(
        ActionAnswerRole(), tracker("wat doet een office manager", "ask_definition", roles=["office manager"])
    )
    assert "kantoor" in texts(messages)
    assert SlotSet("aspect", "definitie") in events
    assert SlotSet("role", "office_manager") in events  # the role's key


def test_bare_role_follow_up_keeps_the_aspect():
    messages, events = run(
        ActionAnswerRole(),
        tracker(
            "en een secretaresse?",
            "inform_role",
            roles=["secretaresse"],
            aspect="opleiding",
            role="office manager",
        ),
    )
    answer = texts(messages)
    assert answer.startswith("Opleiding en ervaring van een secretaresse")
    assert "basale" in answer
    assert SlotSet("role", "secretaresse") in events


def test_aspect_question_without_role_uses_role_in_focus():
    messages, _ = run(
        ActionAnswerRole(),
        tracker("welke opleiding is daarvoor nodig?", "ask_education", role="secretaresse"),
    )
    assert "secretaresse" in texts(messages).splitlines()[0]


def test_two_roles_in_one_question_get_both_answers():
    messages, _ = run(
        ActionAnswerRole(), tracker("welke opleiding hebben office manager en secretaresse", "ask_education")
    )
    assert len(messages) == 2 and "HBO" in texts(messages) and "basale" in texts(messages)


def test_no_role_at_all_asks_which_with_buttons():
    messages, _ = run(ActionAnswerRole(), tracker("welke competenties zijn nodig", "ask_competencies"))
    assert messages[0]["text"] == "Over welke functie wil je het weten?"
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads == [
        '/ask_competencies{"role": "office_manager"}',
        '/ask_competencies{"role": "secretaresse"}',
    ]


def test_naming_a_role_after_a_comparison_answers_that_role():
    messages, events = run(
        ActionAnswerRole(),
        tracker(
            "en de office manager?",
            "inform_role",
            roles=["office manager"],
            aspect="zelfstandigheid",
            comparing=True,
        ),
    )
    assert texts(messages).startswith("Hoe zelfstandig werkt een office manager?")
    assert SlotSet("comparing", False) in events


def test_becoming_an_office_manager_gives_education_and_competencies():
    messages, _ = run(ActionRoleAdvice(), tracker("hoe word ik office manager?", "career_advice"))
    assert "HBO" in texts(messages) and "Competenties van een office manager" in texts(messages)


@pytest.mark.parametrize(
    "text, intent, start",
    [
        ("en qua opleiding?", "ask_education", "Opleiding en ervaring van een secretaresse"),
        ("wat houdt dat in?", "ask_definition", "Wat doet een secretaresse?"),
        ("waar kan ze werken?", "ask_environment", "Waar werkt een secretaresse?"),
    ],
)
def test_short_follow_ups_are_not_mistaken_for_off_topic(text, intent, start):
    messages, _ = run(ActionAnswerRole(), tracker(text, intent, role="secretaresse"))
    assert texts(messages).startswith(start)


def test_an_unsure_nlu_with_a_role_named_answers_its_best_guess_and_says_so():
    asked = tracker(
        "Wat houdt het werk van een secretaresse globaal in? Ik ken die functie niet zo goed.",
        "nlu_fallback",
        0.5,
        ranking=[("nlu_fallback", 0.5), ("ask_definition", 0.28)],
    )
    messages, _ = run(ActionNotInKnowledge(), asked)
    assert first(messages).startswith("Ik weet niet zeker of ik je goed begrijp")
    assert messages[1]["text"].startswith("Wat doet een secretaresse?")


@pytest.mark.parametrize(
    "text, role",
    [
        ("hoeveel jaar duurt de opleiding voor secretaresse?", "secretaresse"),
        ("hoe lang duurt de opleiding van een office manager?", "office manager"),
    ],
)
def test_a_number_the_topic_does_not_give_is_honestly_unknown_with_what_it_does_say(text, role):
    messages, _ = run(ActionAnswerRole(), text, "ask_education")
    assert first(messages).startswith("Dat staat niet in mijn kennis")
    assert messages[1]["text"].startswith(f"Opleiding en ervaring van een {role}")


def test_a_topic_question_without_a_number_asked_gets_the_topic():
    messages, _ = run(ActionAnswerRole(), "welke opleiding heeft een secretaresse nodig?", "ask_education")
    assert first(messages).startswith("Opleiding en ervaring van een secretaresse")


def test_a_specific_study_is_honestly_unknown_with_the_level_the_article_gives():
    messages, _ = run(
        ActionAnswerRole(), "welke hbo-opleiding precies heeft een office manager nodig?", "ask_education"
    )
    assert first(messages).startswith("Welke opleiding precies, staat niet in mijn kennis")
    assert "HBO-niveau" in messages[1]["text"]
