"""bot/components/turn_guard.py: the policy that ends every turn, trained on the real rules and stories."""

import logging

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    AllSlotsReset,
    BotUttered,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.generator import TrainingDataGenerator
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.importers.importer import TrainingDataImporter

from bot.components.turn_guard import RESET_RESPONSE, TurnGuardPolicy
from bot.runtime.launcher import PROJECT


@pytest.fixture(scope="module")
def domain():
    return Domain.load(str(PROJECT / "domain.yml"))


@pytest.fixture(scope="module")
def policy(domain, tmp_path_factory):
    importer = TrainingDataImporter.load_from_config(
        str(PROJECT / "config.yml"), str(PROJECT / "domain.yml"), [str(PROJECT / "data")]
    )
    trackers = TrainingDataGenerator(importer.get_stories(), domain, augmentation_factor=0).generate()
    storage = LocalModelStorage(tmp_path_factory.mktemp("storage"))
    resource = Resource("turn_guard")
    context = ExecutionContext(graph_schema=None)
    config = TurnGuardPolicy.get_default_config()
    TurnGuardPolicy.create(config, storage, resource, context).train(trackers, domain)
    return TurnGuardPolicy.load(config, storage, resource, context)  # as the server has it


def turn(domain, *after, intent="inform", slots=()):
    """A conversation whose latest message has `intent`, followed by the events `after`."""
    events = [
        ActionExecuted(ACTION_LISTEN_NAME),
        UserUttered("hoi", {"name": intent, "confidence": 0.9}),
        *[SlotSet(name, value) for name, value in slots],
        *after,
    ]
    return DialogueStateTracker.from_events("guard-test", events, slots=domain.slots)


def predicted(policy, tracker, domain):
    prediction = policy.predict_action_probabilities(tracker, domain)
    best = max(range(len(prediction.probabilities)), key=prediction.probabilities.__getitem__)
    if prediction.probabilities[best] == 0:
        return None, prediction
    return domain.action_names_or_texts[best], prediction


def test_it_learns_which_actions_continue_a_turn(policy):
    assert policy.continuing == {
        "action_start_intake",
        "vacancy_form",
        "action_start_quiz",
        "career_quiz_form",
        "action_start_callback",
        "callback_form",
    }
    assert {"action_not_in_knowledge", "action_answer_role", "action_vacancy_summary"} <= policy.known


def test_a_turn_has_not_started_yet_so_it_leaves_the_choice_to_the_others(policy, domain):
    assert predicted(policy, turn(domain), domain)[0] is None


def test_after_an_action_that_ends_turns_in_the_training_data_it_listens(policy, domain):
    # The loop of issue 22: the core fallback after a message no rule covers ("inform" outside
    # the intake), then no rule for what follows, so the core fallback again, ten times.
    tracker = turn(domain, ActionExecuted("action_not_in_knowledge"), BotUttered("Sorry ..."))
    action, prediction = predicted(policy, tracker, domain)
    assert action == ACTION_LISTEN_NAME
    assert prediction.is_no_user_prediction  # outvotes memoization's 1.1 too
    assert not prediction.events and not prediction.optional_events  # nothing else changes


def test_it_leaves_actions_that_continue_and_forms_to_the_others(policy, domain):
    assert predicted(policy, turn(domain, ActionExecuted("action_start_intake")), domain)[0] is None
    # A question answered in the middle of a form: Rasa returns to the form.
    in_form = turn(
        domain,
        ActiveLoop("vacancy_form"),
        ActionExecuted("vacancy_form"),
        ActionExecuted(ACTION_LISTEN_NAME),
        UserUttered("wat doet een secretaresse?", {"name": "ask_definition", "confidence": 0.9}),
        ActionExecuted("action_answer_role"),
    )
    assert predicted(policy, in_form, domain)[0] is None


def test_an_action_twice_in_a_turn_resets_the_conversation_and_listens(policy, domain, caplog):
    tracker = turn(
        domain,
        ActiveLoop("vacancy_form"),
        ActionExecuted("vacancy_form"),
        BotUttered("Hoeveel uur?"),
        ActionExecuted("vacancy_form"),
        slots=[("hours", 32)],
    )
    with caplog.at_level(logging.WARNING, logger="bot.components.turn_guard"):
        action, prediction = predicted(policy, tracker, domain)
    assert action == ACTION_LISTEN_NAME  # the visitor was answered already
    assert [type(e) for e in prediction.optional_events] == [ActiveLoop, AllSlotsReset]
    assert not prediction.events  # applied only when the guard wins
    assert "guard-test" in caplog.text and "vacancy_form, vacancy_form" in caplog.text


def test_a_loop_that_said_nothing_gets_the_reset_sentence_then_listens(policy, domain):
    tracker = turn(domain, *[ActionExecuted(name) for name in ("a", "b", "c", "d", "e")])
    action, prediction = predicted(policy, tracker, domain)
    assert action == RESET_RESPONSE and prediction.optional_events
    tracker.update(ActionExecuted(RESET_RESPONSE))
    assert predicted(policy, tracker, domain)[0] == ACTION_LISTEN_NAME
