"""Our changes to Rasa 3.6.21's internals: the list, and `apply()`, which `bot/runtime/rasa_cli.py`
calls once when the Rasa server starts (before Rasa is imported).

Each change names the Rasa attribute it replaces. `apply()` first checks that every target
exists and stops the start with the change's name when one does not (a Rasa upgrade that moved
it), then installs them. The running server lists the active ones at GET /health
(tests/e2e/test_rasa_changes.py asks it); docs/architecture.md lists them under "Changes to Rasa".

RASA_SPEEDUPS=0 leaves out the speedups (`speedup=True`), so that `make bench` can measure
stock Rasa; the changes that fix behaviour stay. RASA_CHANGES_OFF=name,name leaves out those.
A change can also leave itself out (`skip_because`), saying why in the log.
"""
from __future__ import annotations

import functools
import importlib
import logging
import os
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from bot.runtime import tracker_cache

logger = logging.getLogger(__name__)

# Our actions answer in well under a second, but the clock runs while the server's one event
# loop serves other visitors: at 32 users on a busy two-core machine 5 s gave false apologies.
ACTION_TIMEOUT = float(os.environ.get("ACTION_TIMEOUT", "8"))


class RasaChangeError(RuntimeError):
    """A change's target is not in this Rasa: the server must not start half-changed."""


@dataclass(frozen=True)
class Change:
    name: str
    target: str        # "module:attribute.attribute", what the change replaces
    why: str
    install: Callable[[], None]
    speedup: bool = False
    before_rasa: bool = False  # installed (and checked) before Rasa is imported
    skip_because: Callable[[], Optional[str]] = lambda: None  # why not here, or None


def resolve(target: str) -> Tuple[Any, str]:
    """The object that owns the target's last attribute, and that attribute's name."""
    module_name, _, path = target.partition(":")
    owner: Any = importlib.import_module(module_name)
    *parents, attribute = path.split(".")
    for name in parents:
        owner = getattr(owner, name)
    if not hasattr(owner, attribute):
        raise AttributeError(attribute)
    return owner, attribute


def replace(target: str, make: Callable[[Any], Any]) -> None:
    """Set the target to `make(current value)`."""
    owner, attribute = resolve(target)
    setattr(owner, attribute, make(getattr(owner, attribute)))


# ---- the changes -------------------------------------------------------------------------------

CONFIG = Path(__file__).resolve().parents[2] / "config.yml"  # what `make run` trained with


def tensorflow_unwanted() -> Optional[str]:
    import yaml

    from bot.runtime import tensorflow_stand_in

    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8")) or {}
    names = [step.get("name") for step in (config.get("pipeline") or []) + (config.get("policies") or [])]
    needing = tensorflow_stand_in.needed_by(names)
    if needing:
        return f"config.yml needs TensorFlow ({', '.join(sorted(needing))})"
    if "tensorflow" in sys.modules:
        return "TensorFlow was imported before the changes were applied"
    return None


def keep_tensorflow_out() -> None:
    from bot.runtime import tensorflow_stand_in

    tensorflow_stand_in.install()


def trust_only_linear_models() -> None:
    """skops, which loads the LogisticRegressionClassifier, imported first with a short allowlist
    (bot/runtime/skops_import.py says why: 7 s of the start, and the root logger set to WARNING)."""
    from bot.runtime.skops_import import import_skops_trusting_linear_models

    import_skops_trusting_linear_models()


def shorter_action_timeout() -> None:
    replace("rasa.core.actions.action:DEFAULT_REQUEST_TIMEOUT", lambda _old: ACTION_TIMEOUT)


def classify_empty_messages_as_unsure() -> None:
    from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, INTENT_RANKING_KEY, TEXT

    def has_sentence_features(message) -> bool:  # (asking get_sparse_features would join them all)
        return any(f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE for f in message.features)

    def wrap(classify):
        @functools.wraps(classify)
        def process(classifier, messages):
            empty = [m for m in messages if not has_sentence_features(m)]
            for message in empty:  # no intent, confidence 0: the FallbackClassifier makes it nlu_fallback
                message.set(INTENT, {"name": None, "confidence": 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
            featured = [m for m in messages if not any(m is e for e in empty)]
            return (classify(classifier, featured) if featured else []) + empty
        return process

    replace(LOGISTIC_REGRESSION_PROCESS, wrap)


def sentence_features_only() -> None:
    """LogisticRegressionClassifier builds its input from the combined sentence features, but
    asks Message.get_sparse_features for both kinds: joining every token's features (copied,
    then stacked) cost more than the classifier itself. The same matrix from the sentence
    features alone."""
    from rasa.shared.nlu.constants import TEXT
    from scipy.sparse import csr_matrix, hstack, vstack

    def make(original):
        def _create_X(self, messages):
            rows = []
            for message in messages:
                sentence = message._filter_sparse_features(TEXT, [])[1]
                dense = message.get_dense_features(attribute=TEXT)[1]
                if not sentence:  # Rasa's own way for what our pipeline never gives
                    return original(self, messages)
                parts = [csr_matrix(feature.features) for feature in sentence]
                rows.append(hstack(parts + [csr_matrix(dense.features if dense else [])]))
            return vstack(rows, format="csr")  # (what scikit-learn converts it to anyway)
        return _create_X

    replace("rasa.nlu.classifiers.logistic_regression_classifier:LogisticRegressionClassifier._create_X", make)


def graphs_run_in_order() -> None:
    """Rasa runs the model's graph through dask for every message and every action prediction,
    and first works out again which nodes the targets need (walking shared dependencies once per
    path). Here the order is worked out once per target list and the nodes are called in it:
    the same calls with the same inputs, as dask's synchronous scheduler makes them."""
    from rasa.engine.exceptions import GraphRunError

    def order_for(schema, targets) -> List[Tuple[str, Tuple[str, ...]]]:
        """Each needed node after the nodes it needs (depth first, in the order of `needs`)."""
        ordered: Dict[str, Tuple[str, ...]] = {}

        def visit(name: str) -> None:
            node = schema.nodes.get(name)
            if node is None or name in ordered:  # an input, or done
                return
            for needed in node.needs.values():
                visit(needed)
            ordered[name] = tuple(node.needs.values())

        for target in targets:
            visit(target)
        return list(ordered.items())

    def make(_dask_run):
        def run(self, inputs: Optional[Dict[str, Any]] = None, targets: Optional[List[str]] = None):
            targets = targets if targets else self._graph_schema.target_names
            plans = self.__dict__.setdefault("_plans_in_order", {})
            plan = plans.get(tuple(targets))
            if plan is None:
                plan = plans[tuple(targets)] = order_for(self._graph_schema, targets)
            results: Dict[str, Any] = {}
            for name, value in (inputs or {}).items():
                if isinstance(value, str) and any(value == node for node, _ in plan):
                    raise GraphRunError(f"Input value '{value}' clashes with a node name. Make sure that "
                                        "none of the input names passed to the `run` method are the "
                                        "same as node names in the graph schema.")
                results[name] = (name, value)
            try:
                for name, needs in plan:  # (a need that is neither node nor input is passed as is, as in dask)
                    results[name] = self._instantiated_nodes[name](*(results.get(n, n) for n in needs))
            except RuntimeError as error:
                raise GraphRunError("Error running runner.") from error
            return dict(results[target] for target in targets)
        return run

    replace("rasa.engine.runner.dask:DaskGraphRunner.run", make)


# Below the action server's (Sanic's) keep-alive of 5 s, so that we never send on a
# connection the server is closing.
KEEP_ALIVE_SECONDS = 2.0


def kept_alive_endpoint_connections() -> None:
    """Rasa opens a new HTTP session, and with it a new connection, for every call to the action
    server. Here each endpoint keeps one session per event loop (a Sanic worker has one): its
    connections are reused, with the same headers, authentication and timeouts."""
    import asyncio

    import aiohttp
    from rasa.utils import endpoints

    class Borrowed:
        """`async with endpoint.session()` without closing the kept session at the end."""

        def __init__(self, session: aiohttp.ClientSession) -> None:
            self.session = session

        async def __aenter__(self) -> aiohttp.ClientSession:
            return self.session

        async def __aexit__(self, *_error: Any) -> bool:
            return False

    def make(_new_session_every_time):
        def session(self) -> Borrowed:
            loop = asyncio.get_running_loop()
            kept_loop, kept = self.__dict__.get("_kept_session", (None, None))
            if kept is None or kept.closed or kept_loop is not loop:
                auth = (aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
                        if self.basic_auth else None)
                kept = aiohttp.ClientSession(
                    headers=self.headers, auth=auth,
                    timeout=aiohttp.ClientTimeout(total=endpoints.DEFAULT_REQUEST_TIMEOUT),
                    connector=aiohttp.TCPConnector(keepalive_timeout=KEEP_ALIVE_SECONDS))
                self.__dict__["_kept_session"] = (loop, kept)
            return Borrowed(kept)
        return session

    replace("rasa.utils.endpoints:EndpointConfig.session", make)


def action_calls_carry_the_current_turn() -> None:
    """Rasa sends the action server the whole conversation with every call (its JSON grows with
    every turn: a tenth of the server's time at turn 100). Our actions read the slots, the
    latest message and the form's newest slot events (rasa_sdk's `slots_to_validate`), so
    they get the tracker's state with the events of the current turn only: from the latest
    user message on. The rest of the call is Rasa's own."""
    import rasa
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import EventVerbosity

    def current_turn(events) -> List[Any]:
        turn = []
        for event in reversed(events):
            turn.append(event)
            if isinstance(event, UserUttered):
                break
        return turn[::-1]

    def make(_whole_conversation):
        def _action_call_format(self, tracker, domain) -> Dict[str, Any]:
            state = tracker.current_state(EventVerbosity.NONE)
            state["events"] = [event.as_dict() for event in current_turn(tracker.events)]
            result = {"next_action": self._name, "sender_id": tracker.sender_id, "tracker": state,
                      "version": rasa.__version__}
            if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(self.name()):
                result["domain"] = domain.as_dict()
            return result
        return _action_call_format

    replace("rasa.core.actions.action:RemoteAction._action_call_format", make)


def health_route() -> None:
    from sanic import response

    async def health(request):
        agent = getattr(request.app.ctx, "agent", None)
        ready = bool(agent and agent.is_ready())  # the model is loaded
        return response.json({"status": "ok" if ready else "loading", "rasa": rasa_version(),
                              "changes": active()}, status=200 if ready else 503)

    def wrap(configure_app):
        @functools.wraps(configure_app)
        def configure_app_with_health(*args, **kwargs):
            app = configure_app(*args, **kwargs)
            app.add_route(health, "/health", methods=["GET"], name="health")
            return app
        return configure_app_with_health

    replace("rasa.core.run:configure_app", wrap)


def validate_action_results_with_one_validator() -> None:
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator = validator_for(schema)(schema)
    validator.check_schema(schema)  # once, instead of every turn

    def validate_action_result(_action, result: Dict[str, Any]) -> bool:
        error = best_match(validator.iter_errors(result))
        if error is not None:
            raise error
        return True

    replace("rasa.core.actions.action:RemoteAction._validate_action_result", lambda _old: validate_action_result)


def sqlite_write_ahead_log(connection, _record) -> None:
    if type(connection).__module__.startswith("sqlite3"):
        cursor = connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.OperationalError as error:
            if "readonly" not in str(error):  # the admin page reads with mode=ro (bot/office/conversations.py)
                raise
        finally:
            cursor.close()


def sqlite_tracker_store_writes_ahead() -> None:
    import sqlalchemy

    if not sqlalchemy.event.contains(sqlalchemy.engine.Engine, "connect", sqlite_write_ahead_log):
        sqlalchemy.event.listen(sqlalchemy.engine.Engine, "connect", sqlite_write_ahead_log)


def sqlite_connections_kept_open() -> None:
    """SQLAlchemy 1.4 opens a new connection to an SQLite file for every session (NullPool):
    about 1 ms each, several times a message. A pool keeps them open, as SQLAlchemy 2.0 does
    for SQLite files (QueuePool; a connection moves between threads only through the pool)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import QueuePool

    def kwargs_for(original):
        def create_engine_kwargs(url) -> Dict[str, Any]:
            if make_url(url).get_backend_name() == "sqlite":
                return {"poolclass": QueuePool, "connect_args": {"check_same_thread": False}}
            return original(url)
        return create_engine_kwargs

    replace("rasa.core.tracker_store:create_engine_kwargs", kwargs_for)


def sql_tracker_store_without_orm() -> None:
    """Rasa's SQLTrackerStore reads and writes events through ORM objects: building them (and
    flushing them one by one) cost more than the SQL itself. The same statements in SQLAlchemy
    Core: the `data` column read as text, the new events written in one executemany. A tracker
    read or saved here remembers how many of its events are stored, so that saving it again
    need not count them in the database (Rasa's own way, kept for any other tracker)."""
    import itertools
    import json

    import sqlalchemy as sa
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.events import SessionStarted
    from rasa.shared.core.trackers import DialogueStateTracker

    table = SQLTrackerStore.SQLEvent.__table__

    def of_session(query, sender_id: str, all_sessions: bool):
        """Rasa's filter: the events since the latest SessionStarted (all events if none)."""
        query = query.where(table.c.sender_id == sender_id)
        if all_sessions:
            return query
        start = (sa.select(sa.func.max(table.c.timestamp))
                 .where(table.c.sender_id == sender_id, table.c.type_name == SessionStarted.type_name)
                 .scalar_subquery())
        return query.where(sa.or_(table.c.timestamp >= start, start.is_(None)))

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool):
        query = of_session(sa.select(table.c.data), sender_id, fetch_events_from_all_sessions)
        with self.session_scope() as session:
            rows = session.execute(query.order_by(table.c.id)).scalars().all()
        if not (self.domain and rows):
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, [json.loads(row) for row in rows], self.domain.slots)
        if not fetch_events_from_all_sessions:
            tracker.stored_events = len(rows)  # what `save` need not count again
        return tracker

    def as_row(sender_id: str, event) -> Dict[str, Any]:
        data = event.as_dict()
        return {"sender_id": sender_id, "type_name": event.type_name, "timestamp": data.get("timestamp"),
                "intent_name": data.get("parse_data", {}).get("intent", {}).get("name"),
                "action_name": data.get("name"), "data": json.dumps(data)}

    async def save(self, tracker) -> None:
        await self.stream_events(tracker)
        stored = getattr(tracker, "stored_events", None)  # set when read from here
        with self.session_scope() as session:
            if stored is None or tracker._max_event_history is not None:
                count = of_session(sa.select(sa.func.count()).select_from(table), tracker.sender_id, False)
                stored = session.execute(count).scalar()
            rows = [as_row(tracker.sender_id, event) for event in itertools.islice(tracker.events, stored, None)]
            if rows:
                session.execute(table.insert(), rows)
            session.commit()
        tracker.stored_events = len(tracker.events)

    replace("rasa.core.tracker_store:SQLTrackerStore._retrieve", lambda _old: _retrieve)
    replace("rasa.core.tracker_store:SQLTrackerStore.save", lambda _old: save)


def cached(target: str) -> Callable[[], None]:
    def install() -> None:
        replace(target, lambda old: staticmethod(functools.lru_cache(maxsize=None)(old)))
    return install


LOGISTIC_REGRESSION_PROCESS = ("rasa.nlu.classifiers.logistic_regression_classifier:"
                               "LogisticRegressionClassifier.process")

CHANGES: List[Change] = [
    Change("tensorflow-stand-in", "sys:meta_path",
           "TensorFlow, which no component of ours runs, replaced by empty stand-in modules: "
           "about 350 MB less in every process of the Rasa server and 3 s less start",
           keep_tensorflow_out, speedup=True, before_rasa=True, skip_because=tensorflow_unwanted),
    Change("skops-linear-models", "sklearn.utils:all_estimators",
           "skops imported before Rasa, trusting scikit-learn's linear models only: 1 s instead of "
           "7 s of the start, and Rasa's INFO log kept", trust_only_linear_models, before_rasa=True),
    Change("action-timeout", "rasa.core.actions.action:DEFAULT_REQUEST_TIMEOUT",
           f"wait {ACTION_TIMEOUT:g} s (ACTION_TIMEOUT) for an action instead of 5 minutes; the "
           "channels then send the apology", shorter_action_timeout),
    Change("empty-message-unsure", LOGISTIC_REGRESSION_PROCESS,
           "an empty message gets no intent (then nlu_fallback: 'andere woorden') instead of an "
           "exception and the apology", classify_empty_messages_as_unsure),
    Change("health-route", "rasa.core.run:configure_app",
           "GET /health: 200 once the model is loaded (else 503), the Rasa version and these "
           "changes, whichever channels are on",
           health_route),
    Change("action-result-validator-once", "rasa.core.actions.action:RemoteAction._validate_action_result",
           "the action server's reply checked with a validator built once (Rasa checked the schema "
           "itself every turn: ~40 % of the CPU under load)",
           validate_action_results_with_one_validator, speedup=True),
    Change("graph-runs-in-order", "rasa.engine.runner.dask:DaskGraphRunner.run",
           "the model's graph run node after node in an order worked out once, instead of "
           "through dask with the needed nodes worked out again at every run",
           graphs_run_in_order, speedup=True),
    Change("classifier-sentence-features-only",
           "rasa.nlu.classifiers.logistic_regression_classifier:LogisticRegressionClassifier._create_X",
           "the intent classifier's input built from the sentence features only (Rasa also joined "
           "every token's features, then threw them away): the same matrix, a quarter of the NLU's time",
           sentence_features_only, speedup=True),
    Change("kept-alive-action-connection", "rasa.utils.endpoints:EndpointConfig.session",
           "calls to the action server reuse their connection (one HTTP session per endpoint "
           "and worker) instead of opening a new one every time",
           kept_alive_endpoint_connections, speedup=True),
    Change("action-call-current-turn", "rasa.core.actions.action:RemoteAction._action_call_format",
           "an action gets the conversation's state (slots, latest message, form) with the events "
           "of the current turn only, not every event since the start: what our actions read",
           action_calls_carry_the_current_turn, speedup=True),
    Change("sqlite-write-ahead-log", "rasa.core.tracker_store:SQLTrackerStore",
           "SQLite tracker store with WAL and synchronous=NORMAL: a commit waits for no fsync "
           "(kill -9 loses nothing; a power cut can lose the last turns)",
           sqlite_tracker_store_writes_ahead, speedup=True),
    Change("sqlite-connection-pool", "rasa.core.tracker_store:create_engine_kwargs",
           "the SQLite tracker store keeps its connections open (a pool, as SQLAlchemy 2.0 does) "
           "instead of opening the file for every read and write: ~1 ms each, 4 times a message",
           sqlite_connections_kept_open, speedup=True),
    Change("sql-tracker-store-without-orm", "rasa.core.tracker_store:SQLTrackerStore._retrieve",
           "the SQL tracker store reads and writes with SQLAlchemy Core instead of ORM objects: "
           "the same statements; 16 users on one worker: 35.8 instead of 30.7 msg/s",
           sql_tracker_store_without_orm, speedup=True),
    Change("tracker-cache", "rasa.core.tracker_store:SQLTrackerStore._retrieve",
           "each worker keeps the conversations it saved last and reuses one while the store's "
           "stamp (row count, last row id) is unchanged, instead of reading and replaying every "
           "event (bot/runtime/tracker_cache.py)",
           tracker_cache.install, speedup=True),
    Change("applied-events-memo", "rasa.shared.core.trackers:DialogueStateTracker.applied_events",
           "a conversation kept by the tracker cache keeps its applied events too: extended with "
           "the new events instead of walking all of them at every question (bot/runtime/tracker_cache.py)",
           tracker_cache.remember_applied_events, speedup=True),
    Change("tracker-copy-without-replay", "rasa.shared.core.trackers:DialogueStateTracker.copy",
           "the copy Rasa makes before every action copies the conversation's state instead of "
           "replaying every event into a new tracker (bot/runtime/tracker_cache.py)",
           tracker_cache.copy_without_replay, speedup=True),
    Change("dialogue-states-memo", "rasa.shared.core.domain:Domain.states_for_tracker_history",
           "a conversation kept by the tracker cache keeps its dialogue states too: the policies' "
           "states are computed for the new events only, not from the first event at every "
           "prediction (bot/runtime/tracker_cache.py)",
           tracker_cache.remember_states, speedup=True),
    Change("event-lookup-cache", "rasa.shared.core.events:Event.resolve_by_type",
           "each stored event's class looked up by name once, not by walking the class tree "
           "(9 % of the CPU in a 100-turn conversation)",
           cached("rasa.shared.core.events:Event.resolve_by_type"), speedup=True),
    Change("spacy-once", "rasa.nlu.utils.spacy_utils:SpacyNLP.load_model",
           "the spaCy pipeline loaded once per process (Rasa loaded it twice)",
           cached("rasa.nlu.utils.spacy_utils:SpacyNLP.load_model"), speedup=True),
]

_active: List[str] = []


def active() -> List[str]:
    return list(_active)


def rasa_version() -> str:
    import rasa

    return rasa.__version__


def chosen(env: Mapping[str, str]) -> List[Change]:
    speedups = env.get("RASA_SPEEDUPS", "1") != "0"
    off = {name.strip() for name in (env.get("RASA_CHANGES_OFF") or "").split(",")}
    return [change for change in CHANGES if (speedups or not change.speedup) and change.name not in off]


def check(change: Change) -> None:
    try:
        resolve(change.target)
    except (ImportError, AttributeError) as error:
        raise RasaChangeError(
            f"Rasa-aanpassing '{change.name}' kan niet: {change.target} bestaat niet in deze "
            f"Rasa-versie ({error!r}). Pas bot/runtime/rasa_changes.py aan de versie aan.") from None


def apply(env: Mapping[str, str] = os.environ) -> List[str]:
    """Install the chosen changes once. Each group's targets are all checked before any of
    them is installed: first what must come before Rasa is imported, then the rest."""
    if _active:
        return active()
    changes = chosen(env)
    for group in ([c for c in changes if c.before_rasa], [c for c in changes if not c.before_rasa]):
        for change in group:
            check(change)
        for change in group:
            reason = change.skip_because()
            if reason:
                logger.info("Rasa-aanpassing %s niet actief: %s", change.name, reason)
                continue
            change.install()
            _active.append(change.name)
    logger.info("Rasa-aanpassingen actief: %s", ", ".join(_active))
    return active()
