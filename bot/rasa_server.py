"""Changes to how the Rasa server runs; both channels import this module, so they apply to
the server process only. Each one is measured or tested:

- ACTION_TIMEOUT: Rasa waits up to 5 minutes for a custom action (`DEFAULT_REQUEST_TIMEOUT`,
  not settable in endpoints.yml) and then answers nothing. Here it waits ACTION_TIMEOUT
  seconds, and `with_apology` turns an empty reply into a Dutch apology
  (tests/e2e/test_faults.py).
- The action server's reply is checked against Rasa's JSON schema with a validator built
  once. Rasa calls `jsonschema.validate`, which checks the schema itself on every call: ~40 %
  of the server's CPU time per turn under load (py-spy, see README "Speed, measured").
- The SQLite tracker store writes with WAL and synchronous=NORMAL: a commit no longer waits
  for two fsyncs. A crash of the process (kill -9) loses nothing; a power cut can lose the
  last turns, which the PostgreSQL profile (endpoints.scale.yml) is for.
- Loading a tracker looks up each stored event's class by name; Rasa walks the whole Event
  class tree for every event (9 % of the CPU time in a 100-turn conversation). Here each name is
  looked up once.

- Loading the LogisticRegressionClassifier imports skops, whose import cost 7 s of a 15 s
  start and set the root logger to WARNING, so the server's log lost its INFO lines ("Rasa
  server is up and running", tests/scale). `bot/skops_import.py` says why and imports it
  first, from `bot/rasa_cli.py`, before Rasa.
- An empty message ("", "   ") has no features, and LogisticRegressionClassifier raises on a
  row without columns, so the visitor got the apology. Here it gets no intent, the
  FallbackClassifier makes it nlu_fallback and the visitor is asked to rephrase
  (tests/e2e/test_http.py).
- The spaCy pipeline is loaded once per process: Rasa loaded it twice while loading the
  model (2.5 s each of a 15 s start).

RASA_SPEEDUPS=0 leaves out the four speedups (validator, WAL, event lookup, spaCy once), so
that `make bench` can measure stock Rasa.
"""
import functools
import logging
import os
import sqlite3
from typing import Any, Awaitable, Callable, Dict, List

import rasa.core.actions.action
import sqlalchemy
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.nlu.utils.spacy_utils import SpacyNLP
from rasa.shared.core.events import Event
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.skops_import import import_skops_trusting_linear_models

logger = logging.getLogger(__name__)

import_skops_trusting_linear_models()  # already done (and then a no-op) when bot.rasa_cli started us

# Our actions answer in well under a second, but the clock runs while the server's one event
# loop serves other visitors: at 32 users on a busy two-core machine 5 s gave false apologies.
ACTION_TIMEOUT = float(os.environ.get("ACTION_TIMEOUT", "8"))
rasa.core.actions.action.DEFAULT_REQUEST_TIMEOUT = ACTION_TIMEOUT  # read at each action call

NO_REPLY = ("Sorry, er ging bij ons even iets mis, waardoor ik je vraag nu niet kan beantwoorden. "
            "Probeer het over een paar seconden nog eens.")


def with_apology(on_new_message: Callable[[UserMessage], Awaitable[Any]]):
    """`on_new_message` for a channel that collects replies: an empty reply (an action failed
    or timed out, or Rasa raised) becomes the apology."""
    async def handle(message: UserMessage) -> None:
        try:
            await on_new_message(message)
        finally:
            collector = message.output_channel
            if isinstance(collector, CollectingOutputChannel) and not collector.messages:
                logger.warning("No reply for %s (action server down or slow?); sent the apology.",
                               message.sender_id)
                await collector.send_text_message(message.sender_id, NO_REPLY)
    return handle


_ACTION_RESULT_SCHEMA = RemoteAction.action_response_format_spec()
_action_result_validator = validator_for(_ACTION_RESULT_SCHEMA)(_ACTION_RESULT_SCHEMA)


def validate_action_result(_action: RemoteAction, result: Dict[str, Any]) -> bool:
    """What `RemoteAction._validate_action_result` does, with the validator built once."""
    error = best_match(_action_result_validator.iter_errors(result))
    if error is not None:
        raise error
    return True


def sqlite_write_ahead_log(connection, _record) -> None:
    if type(connection).__module__.startswith("sqlite3"):
        cursor = connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.OperationalError as error:
            if "readonly" not in str(error):  # the admin page reads with mode=ro (bot/conversations.py)
                raise
        finally:
            cursor.close()


_classify = LogisticRegressionClassifier.process


def classify_or_unsure(classifier: LogisticRegressionClassifier, messages: List[Message]) -> List[Message]:
    """What the classifier does, except that a message without features (empty text) gets no
    intent with confidence 0, which the FallbackClassifier turns into nlu_fallback."""
    empty = [m for m in messages
             if m.get_sparse_features(TEXT)[1] is None and m.get_dense_features(TEXT)[1] is None]
    for message in empty:
        message.set(INTENT, {"name": None, "confidence": 0.0}, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [], add_to_output=True)
    featured = [m for m in messages if not any(m is e for e in empty)]
    return (_classify(classifier, featured) if featured else []) + empty


LogisticRegressionClassifier.process = classify_or_unsure

if os.environ.get("RASA_SPEEDUPS", "1") != "0":
    _action_result_validator.check_schema(_ACTION_RESULT_SCHEMA)  # once, instead of every turn
    RemoteAction._validate_action_result = validate_action_result
    sqlalchemy.event.listen(sqlalchemy.engine.Engine, "connect", sqlite_write_ahead_log)
    Event.resolve_by_type = staticmethod(functools.lru_cache(maxsize=None)(Event.resolve_by_type))
    SpacyNLP.load_model = staticmethod(functools.lru_cache(maxsize=None)(SpacyNLP.load_model))
