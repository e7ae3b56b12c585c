"""The facts that decide a question, first (actions/answers/facts.py): ja or nee and the fact, the
other role's fact, a fact that comes near, honesty about a part no fact answers, and the role
that does something. Through the answer actions."""

import pytest
from rasa_sdk.events import SlotSet

from actions.actions import KNOWLEDGE, ActionAnswerRole, ActionNotInKnowledge
from bot.stores import unanswered
from tests.helpers import buttons, first, run, tracker
from tests.rendered import texts


@pytest.mark.parametrize(
    "text, intent, opening, fact",
    [
        ("stuurt een office manager ook mensen aan?", "ask_responsibilities", "Ja", "aansturen"),
        ("denkt een office manager strategisch?", "ask_definition", "Ja", "strategisch"),
        ("maakt de secretaresse de notulen?", "ask_tasks", "Ja", "notulen"),
        ("houdt een office manager zich bezig met werving en selectie?", "ask_tasks", "Ja", "werving"),
        ("is communicatie belangrijk voor een secretaresse?", "ask_competencies", "Ja", "communicatie"),
        ("is office manager een hbo functie", "ask_education", "Ja", "HBO"),
        ("werkt een secretaresse zelfstandig?", "ask_autonomy", "Nee", "toezicht"),
        (
            "hoort strategisch plannen bij het werk van een secretaresse?",
            "ask_autonomy",
            "Nee",
            "operationele",
        ),
        ("moet een secretaresse hbo hebben?", "ask_education", "Nee", "basale"),
    ],
)
def test_yes_no_question_starts_with_ja_or_nee_and_the_fact(text, intent, opening, fact):
    messages, _ = run(ActionAnswerRole(), text, intent)
    assert first(messages).startswith(opening)
    assert fact in first(messages)
    assert len(messages) == 1  # not the whole section...
    assert buttons(messages)[0].startswith(("Meer over", "Alle"))  # ...which is one click away


@pytest.mark.parametrize(
    "text, fact",
    [
        ("zorgt een secretaresse voor het budget van het kantoor?", "Budget en financieel beheer"),
        ("doet een secretaresse ook de boekhouding?", "Budget en financieel beheer"),
        ("geeft een secretaresse leiding aan een team?", "Leiding geven"),
    ],
)
def test_a_task_of_the_other_role_says_whose_it_is(text, fact):
    messages, events = run(ActionAnswerRole(), text, "ask_tasks")
    assert first(messages).startswith("Nee, dat hoort niet bij een secretaresse, maar bij de office manager")
    assert fact in first(messages)
    assert SlotSet("role", "secretaresse") in events  # the role asked about stays in focus


@pytest.mark.parametrize(
    "text, intent",
    [
        ("kan een office manager parttime werken?", "ask_environment"),
        ("verdient een secretaresse goed?", "ask_tasks"),
    ],
)
def test_what_the_article_does_not_say_is_said_first(text, intent):
    messages, _ = run(ActionAnswerRole(), text, intent)
    assert first(messages).startswith("Dat staat niet in mijn kennis")
    assert len(buttons(messages)) == 1  # the section the question was about, one click away


def test_who_does_a_task_names_the_role():
    messages, _ = run(ActionAnswerRole(), "wie maakt de notulen?", "ask_tasks")
    assert first(messages).startswith("Dat doet de secretaresse")


def test_a_question_of_two_parts_gets_the_part_the_file_answers_and_honesty_about_the_other():
    messages, events = run(
        ActionAnswerRole(),
        tracker("neemt een secretaresse de telefoon op en handelt ze de post af?", "ask_tasks"),
    )
    assert messages[0]["text"].startswith("Ja") and "telefoon" in messages[0]["text"].lower()
    assert messages[1]["text"] == KNOWLEDGE.phrase("unknown_part", part="handelt ze de post af")
    assert SlotSet("role", "secretaresse") in events


def test_a_part_the_file_does_not_answer_is_named_also_when_the_rest_is_answered():
    messages, _ = run(
        ActionAnswerRole(),
        tracker(
            "heeft een office manager een hbo opleiding nodig en kan je het ook parttime doen?",
            "ask_education",
        ),
    )
    assert messages[0]["text"].startswith("Ja") and "hbo" in messages[0]["text"].lower()
    assert messages[-1]["text"] == KNOWLEDGE.phrase("unknown_part", part="kan je het ook parttime doen")


def test_a_question_of_two_parts_the_file_answers_together_is_answered_at_once():
    messages, _ = run(
        ActionAnswerRole(), tracker("beheert een secretaresse de agenda en de correspondentie?", "ask_tasks")
    )
    assert len(messages) == 1 and messages[0]["text"].startswith("Ja")
    assert "agenda" in messages[0]["text"] and "correspondentie" in messages[0]["text"].lower()


def test_a_hyphenated_compound_is_read_as_its_parts():
    messages, _ = run(
        ActionAnswerRole(),
        tracker(
            "heeft een office manager een hbo-opleiding nodig?", "ask_education", roles=["office_manager"]
        ),
    )
    assert texts(messages).startswith("Ja. Voor een office manager wordt meestal een opleiding op HBO-niveau")


def test_allebei_gets_an_answer_per_role():
    messages, _ = run(
        ActionAnswerRole(), "moeten ze allebei goed kunnen plannen?", "ask_competencies", role="secretaresse"
    )
    texts = [m["text"] for m in messages]
    assert len(texts) == 2 and all(t.startswith("Ja") for t in texts)
    assert "office manager" in texts[0] and "secretaresse" in texts[1]


def test_a_fact_that_comes_near_is_shown_as_such_not_denied():
    # "net als een directeur" is a word the article does not use: no fact decides it, one comes near
    messages, _ = run(
        ActionAnswerRole(),
        "moet een office manager net als een directeur strategisch denken?",
        "ask_competencies",
    )
    assert first(messages).startswith(KNOWLEDGE.phrase("near")) and "strategisch" in first(messages)


def test_unsure_nlu_asking_who_does_something_gets_whose_task_it_is(log_db):
    messages, events = run(ActionNotInKnowledge(), tracker("wie zorgt voor het kantoorpand", "nlu_fallback"))
    assert texts(messages).startswith("Dat doet de office manager:") and "kantoorpand" in texts(messages)
    assert SlotSet("role", "office_manager") in events
    assert unanswered.most_frequent(log_db) == []
    assert unanswered.most_frequent(log_db) == []  # answered, so not in the report


@pytest.mark.parametrize("intent", ["out_of_scope", "nlu_fallback"])
def test_who_does_something_is_answered_when_the_nlu_took_it_for_off_topic(intent):
    messages, _ = run(ActionNotInKnowledge(), tracker("wie regelt hr", intent, confidence=0.6))
    assert texts(messages).startswith("Dat doet de office manager")
    messages, _ = run(ActionNotInKnowledge(), tracker("wie wordt er kampioen?", intent, confidence=0.6))
    assert "niet in mijn kennis" in texts(messages)


@pytest.mark.parametrize(
    "text, role",
    [
        ("sorry kat op toetsenbord 😅 wie plant de vergaderingen?", "secretaresse"),
        ("ik bedoel: en wie beheert het kantoorbudget?", "office manager"),
        ("wie begeleidt secretaresses bij hun groei?", "office manager"),
    ],
)
def test_a_who_question_after_a_preamble_or_naming_a_role_as_its_object(text, role):
    messages, _ = run(ActionNotInKnowledge(), text, "nlu_fallback")
    assert first(messages).startswith((f"Dat doet de {role}", f"Dat is de {role}"))


def test_who_does_what_both_roles_have_a_fact_of_names_both_the_listed_task_first():
    messages, events = run(ActionAnswerRole(), tracker("wie doet de agenda?", "ask_tasks"))
    lines = first(messages).splitlines()
    assert lines[0] == "Dat doen ze allebei:"
    assert lines[1].startswith("• Secretaresse: Afspraken plannen") and lines[2].startswith(
        "• Office manager:"
    )
    assert SlotSet("role", "secretaresse") in events


def test_who_does_what_one_role_has_names_that_role():
    messages, _ = run(ActionAnswerRole(), tracker("wie bewaakt het budget?", "ask_tasks"))
    assert first(messages).startswith("Dat doet de office manager")
