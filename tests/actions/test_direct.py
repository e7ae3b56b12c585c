"""Direct answers (actions/direct.py): the form of a question, and which fact a word of the
question matches, so that the first sentence answers the question that was asked."""

import pytest

from actions.actions import ActionAnswerRole, ActionNotInKnowledge
from actions.direct import clauses, question_form, question_part
from actions.loaded import FACTS
from tests.helpers import first, run


@pytest.mark.parametrize(
    "text, form",
    [
        ("stuurt een office manager ook mensen aan?", "yes_no"),
        ("notuleert een secretaresse?", "yes_no"),  # a verb the lemma table knows
        ("zet een secretaresse koffie?", "yes_no"),  # one it does not: the subject tells
        ("taken een secretaresse?", "open"),
        ("uitleg over de secretaresse", "open"),
        ("zeg eens, wat houdt de functie office manager in?", "open"),
        ("kun je me vertellen wat voor beroep secretaresse is?", "open"),
        ("waar werkt een office manager meestal, altijd op kantoor?", "open"),
        ("office manager, is dat hbo werk?", "yes_no"),
        ("welke functie werkt vooral in opdracht van een leidinggevende?", "who"),
        ("welke functie raad je ons aan?", "open"),
        ("is office manager een hbo functie", "yes_no"),
        ("en doet ze ook de notulen?", "yes_no"),
        ("wie van de twee werkt het meest zelfstandig?", "which"),
        ("voor welke functie moet je hoger opgeleid zijn?", "which"),
        ("wie maakt de notulen?", "who"),
        ("met wie heeft die contact?", "open"),
        ("wat doet een office manager", "open"),
        ("welke opleiding is daarvoor nodig?", "open"),
        ("verschil in zelfstandigheid", "open"),
        ("ik zoek iemand voor de telefoon", "open"),
        ('/ask_definition{"role": "office manager"}', "open"),
    ],
)
def test_question_form(text, form):
    assert question_form(text) == form


def test_a_compound_matches_the_fact_that_names_it_over_one_that_shares_its_start():
    # "personeel" starts "personeelsdossiers" but the dossiers are the werving fact's
    messages, _ = run(ActionAnswerRole(), "regelt een office manager ook de personeelsdossiers?", "ask_tasks")
    assert "personeelsdossiers" in first(messages)


def test_a_paraphrase_of_working_under_pressure_is_found():
    messages, _ = run(
        ActionAnswerRole(), "moet een secretaresse het werk aankunnen als het druk is?", "ask_competencies"
    )
    assert first(messages).startswith("Ja") and "onder druk" in first(messages)


def test_a_word_of_degree_does_not_hide_the_fact_that_answers():
    messages, _ = run(ActionAnswerRole(), "werkt een secretaresse helemaal zelfstandig?", "ask_autonomy")
    assert first(messages).startswith("Nee") and "toezicht" in first(messages)


def test_a_determiner_does_not_hide_the_fact_that_answers():
    messages, _ = run(
        ActionAnswerRole(),
        "heeft die ook een bepaalde opleiding nodig?",
        "ask_education",
        role="office_manager",
    )
    assert first(messages).startswith("Ja.") and "HBO" in first(messages)


def test_a_word_that_only_places_the_question_weighs_less():
    messages, _ = run(
        ActionAnswerRole(),
        "doet een secretaresse bij een advocatenkantoor ook de correspondentie met clienten",
        "ask_tasks",
    )
    assert "niet in mijn kennis" not in first(messages) and "correspondentie" in first(messages)


@pytest.mark.parametrize(
    "text, role, known",
    [
        (
            "schrijft een secretaresse zakelijke brieven en maakt ze ook de wc's schoon?",
            "secretaresse",
            "brieven",
        ),
        (
            "krijgt een office manager een bonus en heeft die recht op 30 vakantiedagen?",
            "office_manager",
            None,
        ),
    ],
)
def test_a_part_is_decided_only_by_a_word_of_the_fact_itself(text, role, known):
    messages, _ = run(ActionAnswerRole(), text, "ask_tasks")
    whole = "\n".join(m["text"] for m in messages)
    assert "maar bij de office manager" not in whole and "rechtstreeks" not in whole
    if known:
        assert known in first(messages)


def test_a_comparing_word_is_not_the_subject_of_a_who_question():
    messages, _ = run(ActionNotInKnowledge(), "wie van de twee krijgt het hoogste loon?", "nlu_fallback")
    assert "niet in mijn kennis" in first(messages)


def test_a_word_of_an_alias_that_a_fact_lists_is_still_asked_about():
    # "kantoor" is in the alias "kantoor manager" and in the secretaresse's workplace
    messages, _ = run(
        ActionAnswerRole(),
        "zo iemand, werkt die altijd op een kantoor?",
        "ask_environment",
        role="secretaresse",
    )
    assert "niet in mijn kennis" not in first(messages) and "kantoor" in first(messages)


def test_an_accented_word_is_found_as_typed():
    messages, _ = run(
        ActionAnswerRole(),
        "moet die persoon ook secretariële taken kunnen doen?",
        "ask_tasks",
        role="secretaresse",
    )
    assert first(messages).startswith("Ja")


@pytest.mark.parametrize(
    "text, form",
    [
        ("ik neem makkelijk besluiten, heb hbo en 8 jaar ervaring", "open"),  # still telling
        ("ik werk in een ziekenhuis, heeft een secretaresse daar ook contact met artsen?", "yes_no"),
        ("onze manager stopt, regelt een secretaresse dan de inkoop", "yes_no"),  # a subject after the verb
    ],
)
def test_a_verb_after_a_comma_asks_only_with_a_subject_or_a_question_mark(text, form):
    assert question_part(text)[0] == form


@pytest.mark.parametrize(
    "text, expected",
    [
        ("strategie en beleid vind ik niks", [True]),  # a word joined by "en" shares the clause's "niks"
        ("de agenda, de post en brieven, geen leidinggevende taken", [False, False, True]),
        ("ik plan graag, maar leidinggeven lijkt me niks", [False, True]),
        ("hbo en 5 jaar ervaring", [False]),
    ],
)
def test_clauses_and_their_negation(text, expected):
    assert [negated for _, negated in clauses(text)] == expected


def test_a_plural_verb_before_the_roles_opens_a_yes_no_question():
    assert question_form("werken secretaresses eigenlijk ook op scholen?", FACTS.role_words) == "yes_no"
