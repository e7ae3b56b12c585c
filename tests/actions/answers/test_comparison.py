"""The two roles side by side (actions/answers/comparison.py): the difference in general or on one
dimension, and which of the two has more of it. Through the answer actions."""

import pytest
from rasa_sdk.events import SlotSet

from actions.actions import ActionAnswerDifference, ActionAnswerRole, ActionNotInKnowledge, ActionRoleAdvice
from tests.helpers import first, run, tracker
from tests.rendered import texts


def test_naming_both_roles_and_nothing_else_compares_them_on_the_aspect_in_focus():
    messages, events = run(
        ActionAnswerRole(),
        tracker("officemanager vs secretaresse??", "inform_role", roles=["office manager", "secretaresse"]),
    )
    assert texts(messages).startswith("Het verschil tussen een office manager en een secretaresse")
    assert SlotSet("comparing", True) in events
    messages, _ = run(
        ActionAnswerRole(),
        tracker(
            "en office manager en secretaresse?",
            "inform_role",
            roles=["office manager", "secretaresse"],
            aspect="opleiding",
        ),
    )
    assert texts(messages).startswith("Het verschil in opleiding")


@pytest.mark.parametrize(
    "text, expected, aspect",
    [
        ("verschil in competenties", "leiderschap", "competenties"),
        ("wat is het verschil tussen die twee", "Office manager:", "definitie"),
    ],
)
def test_difference(text, expected, aspect):
    messages, events = run(ActionAnswerDifference(), tracker(text, "ask_difference"))
    assert expected in texts(messages)
    assert "Secretaresse:" in texts(messages)
    assert events == [SlotSet("aspect", aspect), SlotSet("comparing", True)]


def test_one_role_with_a_comparing_word_is_still_compared():
    messages, _ = run(
        ActionAnswerDifference(),
        tracker("wat is het verschil met een secretaresse", "ask_difference", roles=["secretaresse"]),
    )
    assert texts(messages).startswith("Het verschil")


def test_aspect_without_role_after_a_comparison_compares_again():
    messages, events = run(
        ActionAnswerRole(),
        tracker("en qua zelfstandigheid?", "ask_autonomy", role="secretaresse", comparing=True),
    )
    assert texts(messages).startswith("Het verschil in zelfstandigheid")
    assert SlotSet("comparing", True) in events


def test_dimension_from_a_button_payload():
    t = tracker("/ask_difference", "ask_difference")
    t.latest_message["entities"] = [{"entity": "dimension", "value": "competenties"}]
    messages, _ = run(ActionAnswerDifference(), t)
    assert texts(messages).startswith("Het verschil in competenties")


def test_unsure_nlu_with_two_roles_named_compares_them(log_db):
    messages, events = run(
        ActionNotInKnowledge(),
        tracker("officemanager vs secretaresse??", "nlu_fallback", roles=["office manager", "secretaresse"]),
    )
    assert texts(messages).startswith("Het verschil tussen een office manager en een secretaresse")
    assert SlotSet("comparing", True) in events


def test_unsure_follow_up_after_a_comparison_compares_on_the_named_dimension(log_db):
    messages, events = run(
        ActionNotInKnowledge(),
        tracker("en wat betreft strategisch denken?", "nlu_fallback", comparing=True, role="secretaresse"),
    )
    assert texts(messages).startswith("Het verschil in strategisch denken")
    assert SlotSet("comparing", True) in events


def test_level_question_in_a_vacancy_gets_the_education_comparison():
    messages, _ = run(
        ActionRoleAdvice(), tracker("welk opleidingsniveau moet ik in de vacature vragen?", "hire_advice")
    )
    assert texts(messages).startswith("Het verschil in opleiding")


@pytest.mark.parametrize(
    "text, role, reason",
    [
        ("voor welke functie moet je hoger opgeleid zijn?", "office manager", "HBO"),
        ("wie heeft de meeste verantwoordelijkheden van de twee?", "office manager", "verantwoordelijkheden"),
        ("wie van de twee werkt het meest zelfstandig?", "office manager", "autonomie"),
        ("wie werkt er meer onder toezicht?", "secretaresse", "toezicht"),
        ("voor welke functie heb je minder opleiding nodig?", "secretaresse", "basale"),
        ("welke van de twee heeft meer contact met klanten?", "office manager", "klanten"),
    ],
)
def test_which_of_the_two_names_the_role_and_the_reason(text, role, reason):
    messages, events = run(ActionAnswerDifference(), text, "ask_difference")
    sentence = first(messages).split("\n")[0]
    assert sentence.startswith(f"Dat is de {role}.") and reason in sentence
    assert SlotSet("comparing", True) in events


@pytest.mark.parametrize(
    "action, text, intent, role, line",
    [
        (
            ActionAnswerRole(),
            "welke leiderschapsvaardigheden heeft een office manager nodig?",
            "ask_competencies",
            "office manager",
            "Een office manager moet echt leiding kunnen geven",
        ),
        (
            ActionNotInKnowledge(),
            "wat houdt strategisch denken in bij een office manager?",
            "nlu_fallback",
            "office manager",
            "Een office manager denkt strategisch en plant voor de lange termijn",
        ),
    ],
)
def test_a_comparison_within_a_topic_asked_of_one_role_gets_that_roles_side(action, text, intent, role, line):
    messages, events = run(action, tracker(text, intent, roles=[role]))
    assert first(messages).startswith(line)
    assert "Meer over het verschil in" in messages[0]["buttons"][0]["title"]  # the whole comparison
    # kept as the question just answered: "en doet de ander daar ook aan?" asks it of the other role
    messages, _ = run(
        ActionAnswerRole(),
        tracker(
            "en doet de ander daar ook aan?",
            "ask_tasks",
            role="office_manager",
            question=text,
            aspect="competenties",
        ),
    )
    assert "secretaresse" in first(messages).lower() and "niet in mijn kennis" not in first(messages)


def test_a_topic_asked_is_not_taken_for_a_comparison_its_words_touch():
    # "schrijven" is a word of the comparison in communication; the question asks for tasks
    messages, _ = run(
        ActionAnswerRole(),
        tracker("wat moet een secretaresse allemaal schrijven?", "ask_tasks", roles=["secretaresse"]),
    )
    assert first(messages).startswith("De taken van een secretaresse")


def test_the_other_role_asks_more_compares_the_topic_in_focus():
    messages, _ = run(
        ActionAnswerDifference(),
        tracker(
            "en de andere functie vraagt meer?", "ask_difference", role="secretaresse", aspect="opleiding"
        ),
    )
    assert first(messages).startswith("Het verschil in opleiding en ervaring")


def test_after_both_roles_side_by_side_a_topic_alone_compares_them():
    _, events = run(
        ActionAnswerRole(),
        tracker(
            "dus allebei nemen ze de telefoon op?", "ask_tasks", roles=["office manager", "secretaresse"]
        ),
    )
    assert SlotSet("comparing", True) in events
