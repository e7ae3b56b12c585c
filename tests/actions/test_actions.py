"""The Rasa actions that answer from the knowledge file (actions/actions.py): thin adapters, each the
entry of one decision (actions/decide.py), and the entry for a question asked in the middle of a
form. What each kind of answer says: tests/actions/answers/."""

from rasa_sdk import Action
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import actions
from actions.decide import ENTRIES
from tests.helpers import tracker
from tests.rendered import texts

ANSWER_ACTIONS = [
    actions.ActionAnswerRole,
    actions.ActionAnswerDifference,
    actions.ActionRoleAdvice,
    actions.ActionAnswerAgency,
    actions.ActionAnswerPrivacy,
    actions.ActionAnswerSituation,
    actions.ActionNotInKnowledge,
]


def test_each_answer_action_is_the_entry_of_one_decision():
    names = [action().name() for action in ANSWER_ACTIONS]
    assert sorted(names) == sorted(ENTRIES)  # one action per entry, none without a decision
    # the mix-in has no name of its own: rasa-sdk registers only Action subclasses
    assert not issubclass(actions.AnswersFromKnowledge, Action)
    assert all(issubclass(action, Action) for action in ANSWER_ACTIONS)


def test_an_intent_given_by_a_form_replaces_the_one_of_the_nlu():
    asked = tracker("wat doet een office manager", "inform", roles=["office manager"])
    dispatcher = CollectingDispatcher()
    events = actions.answer(dispatcher, asked, actions.ActionAnswerRole.NAME, intent="ask_education")
    assert texts(dispatcher.messages).startswith("Opleiding en ervaring van een office manager")
    assert SlotSet("aspect", "opleiding") in events
    dispatcher = CollectingDispatcher()
    actions.answer(dispatcher, asked, actions.ActionAnswerRole.NAME)  # the NLU's "inform": the role itself
    assert texts(dispatcher.messages).startswith("Wat doet een office manager?")


def test_a_question_in_the_middle_of_a_form_goes_to_the_action_of_its_intent():
    entries = actions.QUESTION_ENTRIES
    assert all(entries[intent] == "action_answer_role" for intent in actions.KNOWLEDGE.intent_to_aspect)
    assert entries["ask_difference"] == "action_answer_difference"
    assert entries["ask_privacy"] == entries["ask_erasure"] == "action_answer_privacy"
    assert entries["career_advice"] == entries["hire_advice"] == "action_role_advice"
    assert entries["out_of_scope"] == "action_not_in_knowledge"
    assert set(entries.values()) <= set(ENTRIES)  # each one an entry the decision knows
