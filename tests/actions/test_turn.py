"""One message read once (actions/turn.py): the roles it names or points back at, the question
it asks, and what it adds to the conversation."""

import pytest
from rasa_sdk.events import SlotSet

from actions.actions import ActionAnswerRole, ActionNotInKnowledge
from actions.turn import KEPT_TOLD, Turn, focus_events
from tests.helpers import first, run, tracker
from tests.rendered import texts


def test_role_found_in_text_when_entity_missed():
    messages, _ = run(ActionAnswerRole(), tracker("taken van een directiesecretaresse", "ask_tasks"))
    assert texts(messages).startswith("De taken van een secretaresse")


@pytest.mark.parametrize(
    "text, intent, heading",
    [
        ("wat doet een offfice manger", "ask_definition", "Wat doet een office manager?"),
        ("taken secr?", "ask_tasks", "De taken van een secretaresse"),
    ],
)
def test_misspelled_roles_are_our_roles(text, intent, heading):
    messages, _ = run(ActionAnswerRole(), text, intent)
    assert first(messages).startswith(heading)


@pytest.mark.parametrize(
    "text", ["en de ander?", "hoe zit dat bij de andere functie?", "en voor de andere rol"]
)
def test_the_other_role_is_the_one_not_in_focus(text):
    messages, events = run(
        ActionAnswerRole(), tracker(text, "inform_role", aspect="opleiding", role="secretaresse")
    )
    assert texts(messages).startswith("Opleiding en ervaring van een office manager")
    assert SlotSet("role", "office_manager") in events
    messages, _ = run(
        ActionAnswerRole(), tracker(text, "inform_role", aspect="opleiding", role="office_manager")
    )
    assert texts(messages).startswith("Opleiding en ervaring van een secretaresse")


def test_die_after_a_verb_points_back_at_the_role_in_focus():
    messages, _ = run(ActionNotInKnowledge(), "wat doet die verder nog?", "out_of_scope", role="secretaresse")
    assert "secretaresse" in first(messages).lower() and "niet in mijn kennis" not in first(messages)


def test_a_short_message_names_its_topic_in_its_words():
    om = {"entity": "role", "value": "office_manager", "start": 0, "end": 2}
    messages, _ = run(ActionAnswerRole(), tracker("om leiding?", "ask_education", entities=[om]))
    # the NLU's entity "om" counts at the start of a short message, and "leiding" names the topic:
    # the office manager's side of the difference in leadership, within the competences
    assert first(messages).startswith("Een office manager moet echt leiding kunnen geven")


# ---- Turn.read on trackers built in code --------------------------------------------------------


def read(text, intent="inform", entities=None, **slots):
    turn_tracker = tracker(text, intent, **slots)
    if entities is not None:
        turn_tracker.latest_message["entities"] = entities
    return Turn.read(turn_tracker, "action_answer_role")


def test_read_takes_the_conversation_so_far_from_the_slots_and_a_forms_intent_over_the_nlus():
    asked = tracker(
        "hm",
        "nlu_fallback",
        confidence=0.4,
        role="office manager",
        aspect="opleiding",
        comparing=True,
        question="q?",
        told=["x"],
        visitor="werkgever",
    )
    asked.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.4},
        {"name": "ask_definition", "confidence": 0.28},
    ]
    turn = Turn.read(asked, "action_not_in_knowledge", intent="ask_tasks")
    assert (turn.intent, turn.entry, turn.confidence) == ("ask_tasks", "action_not_in_knowledge", 0.4)
    assert (turn.focus, turn.aspect, turn.comparing, turn.question_before, turn.told, turn.visitor) == (
        "office_manager",
        "opleiding",
        True,
        "q?",
        ["x"],
        "werkgever",
    )  # the role's key, not its name
    assert turn.guess() == "ask_definition" and turn.guess(minimum=0.3) is None  # not a wild guess
    assert turn.logged_guess() == ("ask_definition", 0.28)  # the NLU's guess after the fallback


@pytest.mark.parametrize(
    "text, roles",
    [
        ("taken van een directiesecretaresse", ["secretaresse"]),  # an alias in the text
        ("wat doet een offfice manger", ["office_manager"]),  # typos
        ("secretaresse en office manager", ["secretaresse", "office_manager"]),  # in the order named
        ("wat doet een directeur", []),
    ],
)
def test_the_roles_are_found_in_the_text(text, roles):
    assert read(text).roles == roles


def test_an_entity_comes_first_and_a_tagged_job_that_is_not_ours_is_the_unknown_role():
    turn = read("wat doet een secretaresse of een office manager", roles=["office manager"])
    assert turn.roles == ["office_manager", "secretaresse"]
    turn = read("wat zijn de taken van een hr manager", roles=["hr manager"])
    assert (turn.roles, turn.role_mentions, turn.unknown_role) == ([], ["hr manager"], "hr manager")
    assert read("wat doet een directeur eigenlijk").unknown_role == "directeur"  # the file's other jobs
    assert read("wat doet een secretaresse voor de directeur").unknown_role is None  # one of ours is named


@pytest.mark.parametrize(
    "text, roles",
    [
        ("om leiding?", ["office_manager"]),
        ("is een om hbo?", ["office_manager"]),
        (
            "ik wil om secretaresse te worden",
            ["secretaresse"],
        ),  # the everyday word "om", not the abbreviation
    ],
)
def test_the_word_om_is_the_office_manager_only_after_an_article_or_first_in_a_short_message(text, roles):
    start = text.index("om")
    entities = [{"entity": "role", "value": "office_manager", "start": start, "end": start + 2}]
    assert read(text, entities=entities).roles == roles


@pytest.mark.parametrize(
    "focus, other",
    [  # the slot holds a role's key or its name
        ("secretaresse", "office_manager"),
        ("office manager", "secretaresse"),
        ("office_manager", "secretaresse"),
    ],
)
def test_de_ander_is_the_role_not_in_focus(focus, other):
    for text in ("en de ander?", "hoe zit dat bij de andere functie?"):
        turn = read(text, role=focus)
        assert turn.roles == [other] and turn.roles_or_focus == [other]
    assert read("en de ander?").roles == []  # nothing in focus: no other one either


def test_die_points_back_at_the_role_in_focus_and_allebei_names_both():
    turn = read("wat doet die verder nog?", role="secretaresse")
    assert (turn.roles, turn.refers_back, turn.roles_or_focus) == ([], True, ["secretaresse"])
    assert not read("wat doet een secretaresse?", role="office_manager").refers_back
    turn = read("moeten ze allebei goed kunnen plannen?", role="secretaresse")
    assert turn.both and turn.roles == ["office_manager", "secretaresse"]


@pytest.mark.parametrize(
    "text, form, question",
    [
        ("sorry kat op toetsenbord 😅 wie plant de vergaderingen?", "who", "wie plant de vergaderingen?"),
        (
            "Wij zijn een notariskantoor in Zwolle. Stuurt een office manager mensen aan?",
            "yes_no",
            "Stuurt een office manager mensen aan?",
        ),
        ("wat doet een office manager", "open", "wat doet een office manager"),
    ],
)
def test_the_question_is_the_part_after_a_preamble(text, form, question):
    turn = read(text)
    assert turn.form == form and turn.question_text.strip() == question


def test_what_she_tells_is_kept_the_last_six_and_who_she_is_once():
    told = [f"bericht {n}" for n in range(KEPT_TOLD)]
    turn = read("ik heb mbo niveau 4 gedaan", "tell_situation", told=told)
    assert turn.describes and turn.tells_only
    assert turn.remembered() == [SlotSet("told", told[1:] + ["ik heb mbo niveau 4 gedaan"])]
    turn = read("welke functie past bij mij?", "career_advice", told=["ik plan graag"])
    assert turn.all_told == "ik plan graag . welke functie past bij mij?"
    assert turn.remembered() == [
        SlotSet("told", ["ik plan graag", "welke functie past bij mij?"]),
        SlotSet("visitor", "kandidaat"),
    ]
    assert read("welke functie past bij mij?", "career_advice", visitor="kandidaat").remembered()[1:] == []
    turn = read("wat doet een office manager?", "ask_definition", told=["ik plan graag"])
    assert not turn.describes and turn.remembered() == [] and turn.told == ["ik plan graag"]


def test_focus_events_set_what_the_next_turn_reads():
    assert focus_events("secretaresse", "opleiding") == [
        SlotSet("aspect", "opleiding"),
        SlotSet("comparing", False),
        SlotSet("question", None),
        SlotSet("role", "secretaresse"),
    ]
    assert focus_events(None, "definitie", comparing=True, question="q?") == [
        SlotSet("aspect", "definitie"),
        SlotSet("comparing", True),
        SlotSet("question", "q?"),
    ]


@pytest.mark.parametrize(
    "text, roles",
    [
        ("en hoe zit dat bij de ander?", ["office_manager"]),
        ("is de andere functie zelfstandiger?", ["office_manager"]),
        ("en is ze ook de verbinding met de andere afdelingen?", []),  # "andere" before a noun
    ],
)
def test_the_other_role_is_pointed_at_by_de_ander_not_by_andere_before_a_noun(text, roles):
    assert read(text, role="secretaresse").roles == roles


def test_a_bare_manager_is_someone_at_work_not_an_unknown_job():
    manager = [{"entity": "role", "value": "manager"}]
    turn = read("ik wil niet steeds de instructies van een manager opvolgen", entities=manager)
    assert turn.unknown_role is None
    hr = [{"entity": "role", "value": "hr manager"}]
    assert read("wat doet een hr manager?", entities=hr).unknown_role == "hr manager"


@pytest.mark.parametrize(
    "text, asks",
    [
        ("voor wie?", True),
        ("waarom?", True),
        ("en verder?", True),
        ("wat verdient die?", False),
        ("ok", False),
    ],
)
def test_a_question_without_words_of_its_own_asks_about_the_last_answer(text, asks):
    assert read(text, role="secretaresse").asks_about_last_answer is asks
