"""The dialogue policy that makes sure every turn ends (config.yml, `policies`).

Rasa's own policies can predict an action again and again when no rule or story covers the
state they are in: a custom core fallback action, for example, is followed by the core
fallback again. After ten actions Rasa's circuit breaker stops the turn, but it does not
record `action_listen`, so it counts the same actions again at the next message and trips at
once: the conversation is stuck for good. This policy, a component like any other, outvotes
the others in three cases:

- the last action of the turn is one that the training data always follows by waiting for
  the visitor (a rule or story that ends with it) and no form is active: it predicts
  `action_listen`, as the rules would have had they matched;
- an action ran twice in one turn, or the turn ran `max_actions_per_turn` actions: a loop. It
  logs a WARNING with the sender and the actions, brings the conversation back to the start
  (the form stopped, every slot reset, so the next message is read as in a new conversation),
  says "ik begreep je niet" when the turn said nothing yet (`utter_turn_reset`), and listens.

It never predicts anything else, so a turn that the rules and stories cover is untouched.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Dict, Iterable, List, Optional, Text, Tuple

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME, RULE_SNIPPET_ACTION_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, AllSlotsReset, BotUttered, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

RESET_RESPONSE = "utter_turn_reset"
# The WARNING of a loop (the fuzzer, bot/tools/fuzz.py, looks for it): the sender, the actions.
LOOP_LOGGED = "Gesprek %s liep vast in een lus (%s); het begint opnieuw, zonder formulier en slots."
FILE = "turn_guard.json"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class TurnGuardPolicy(Policy):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # Above RulePolicy (6): a tie at confidence 1.0 goes to the guard.
        return {"priority": 7, "max_actions_per_turn": 5}

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        known: Iterable[Text] = (),
        continuing: Iterable[Text] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(config, model_storage, resource, execution_context)
        self.known = set(known)  # the actions of the training data
        self.continuing = set(continuing)  # those it follows by another action in the same turn

    def train(
        self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any
    ) -> Resource:
        continuing, known = set(), set()
        for tracker in training_trackers:
            actions = [
                e.action_name
                for e in tracker.events
                if isinstance(e, ActionExecuted) and e.action_name != RULE_SNIPPET_ACTION_NAME
            ]
            for action, following in zip(actions, actions[1:]):
                known.add(action)
                if following != ACTION_LISTEN_NAME:
                    continuing.add(action)
        self.continuing = continuing - {ACTION_LISTEN_NAME}
        self.known = known
        self.persist()
        return self._resource

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as path:
            (path / FILE).write_text(
                json.dumps({"continuing": sorted(self.continuing), "known": sorted(self.known)})
            )

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "TurnGuardPolicy":
        with model_storage.read_from(resource) as path:
            data = json.loads((path / FILE).read_text())
        return cls(config, model_storage, resource, execution_context, **data)

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        actions, said = this_turn(tracker)
        if not actions:
            return self._prediction(self._default_predictions(domain))
        last = actions[-1]
        if last == RESET_RESPONSE:
            return self._predict(domain, ACTION_LISTEN_NAME)
        if last in actions[:-1] or len(actions) >= self.config["max_actions_per_turn"]:
            logger.warning(LOOP_LOGGED, tracker.sender_id, ", ".join(actions))
            reset = [ActiveLoop(None), AllSlotsReset()]
            return self._predict(domain, ACTION_LISTEN_NAME if said else RESET_RESPONSE, reset)
        if last in self.known and last not in self.continuing and not tracker.active_loop_name:
            return self._predict(domain, ACTION_LISTEN_NAME)
        return self._prediction(self._default_predictions(domain))

    def _predict(self, domain: Domain, action: Text, events: Optional[List[Any]] = None) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        probabilities[domain.index_for_action(action)] = 1.0
        # A "no user" prediction outvotes the others whatever their confidence (memoization
        # says 1.1); `optional_events` are applied only when this prediction wins.
        return self._prediction(probabilities, optional_events=events, is_no_user_prediction=True)


def this_turn(tracker: DialogueStateTracker) -> Tuple[List[Text], bool]:
    """The actions run since the visitor's latest message, and whether the turn said anything."""
    actions: List[Text] = []
    said = False
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered) or (
            isinstance(event, ActionExecuted) and event.action_name == ACTION_LISTEN_NAME
        ):
            break
        if isinstance(event, ActionExecuted) and event.action_name:
            actions.append(event.action_name)
        elif isinstance(event, BotUttered):
            said = True
    actions.reverse()
    return actions, said
