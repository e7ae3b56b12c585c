"""The changes to Rasa's internals that have no supported seam: one registry (`CHANGES`), and
`apply()`, which `bot/runtime/rasa_cli.py` calls once when the Rasa server starts (and when
`make train` trains), before Rasa is imported.

What has a supported seam is not here: the intent classifier's empty-message answer and input
(bot/components/intent_classifier.py) and the spaCy model loaded once (bot/components/spacy_nlp.py),
both components named in config.yml; the SQLite settings, the SQL without ORM objects and the
tracker cache in the tracker store class named in endpoints.yml (bot/runtime/tracker_store.py);
GET /health, a channel in credentials.yml (bot/runtime/health.py).

Each entry of the registry names the Rasa function (or value) it replaces ("module:qualname"),
the Rasa version it was written against (`rasa_version`), that function's parameters there
(`pinned`), why, how it is installed (`install` returns the undo, which puts the original back;
None for the two import guards, which cannot be undone), and the test that runs the same inputs
through stock Rasa and through the change and compares (in tests/bot/runtime/test_rasa_changes.py; those
apply the change, compare and undo it, in one process, except the import guards' tests, which
need a fresh process).

The version pin: every change here was written against Rasa 3.6.21. When the installed Rasa
is another version, `apply()` installs none of them and logs why (a WARNING, in Dutch): the
server runs stock Rasa, and the tracker store's speedups stay off too (`switched_on`). A Rasa
of the pinned version whose replaced function is missing or has other parameters (a patched
install) stops the start with the change's name (`RasaChangeError`): nothing is installed
half-way.

RASA_SPEEDUPS=0 leaves out the speedups (`speedup=True`, and the tracker store's), so that
`make bench` can measure stock Rasa; the changes that fix behaviour stay. RASA_CHANGES_OFF=name,name
leaves out those (the store's speedups too). A change can also leave itself out
(`skip_because`), saying why in the log. The running server lists the active ones at GET /health
(tests/e2e/test_rasa_changes.py asks it); docs/architecture.md lists them under "Changes to Rasa".
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import importlib.metadata
import inspect
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Tuple

from bot.runtime import tracker_cache

logger = logging.getLogger(__name__)

RASA_VERSION = "3.6.21"  # what every change below was written against (and requirements.txt pins)

# Our actions answer in well under a second, but the clock runs while the server's one event
# loop serves other visitors: at 32 users on a busy two-core machine 5 s gave false apologies.
ACTION_TIMEOUT = float(os.environ.get("ACTION_TIMEOUT", "8"))

Undo = Callable[[], None]


class RasaChangeError(RuntimeError):
    """A change's target is not in this Rasa as it was: the server must not start half-changed."""


@dataclass(frozen=True)
class Change:
    name: str
    replaces: str  # "module:qualname": the Rasa function (or value) this replaces
    pinned: Optional[str]  # its parameters (a value: its repr) in `rasa_version`; None: not Rasa's
    why: str
    install: Callable[[], Optional[Undo]]  # installs it; returns the undo (None: cannot be undone)
    test: str  # tests/...::test_... : the same inputs through stock Rasa and this change
    rasa_version: str = RASA_VERSION
    speedup: bool = False
    before_rasa: bool = False  # installed (and checked) before Rasa is imported
    skip_because: Callable[[], Optional[str]] = lambda: None  # why not here, or None


# The tracker store's speedups (bot/runtime/tracker_store.py): a supported seam, but switched
# like the changes (`switched_on`), so that `make bench` measures the stock store.
STORE_SPEEDUPS = (
    "sqlite-write-ahead-log",
    "sqlite-connection-pool",
    "sql-tracker-store-without-orm",
    "tracker-cache",
)


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


def current(target: str) -> Any:
    owner, attribute = resolve(target)
    return getattr(owner, attribute)


def shape_of(value: Any) -> str:
    """What `Change.pinned` records: a function's parameters (names, kinds, defaults; not the
    annotations, whose text differs between Python versions), or a value's repr."""
    if callable(value) and not isinstance(value, type):
        bare = [
            inspect.Parameter(parameter.name, parameter.kind, default=parameter.default)
            for parameter in inspect.signature(value).parameters.values()
        ]
        return str(inspect.Signature(bare))
    return repr(value)


def replace(target: str, make: Callable[[Any], Any]) -> Undo:
    """Set the target to `make(current value)`; returns the undo, which puts back exactly what
    was there (a staticmethod as a staticmethod; an inherited attribute by deleting ours)."""
    owner, attribute = resolve(target)
    missing = object()
    original = vars(owner).get(attribute, missing)
    setattr(owner, attribute, make(getattr(owner, attribute)))

    def undo() -> None:
        if original is missing:
            delattr(owner, attribute)
        else:
            setattr(owner, attribute, original)

    return undo


# ---- the changes -------------------------------------------------------------------------------

CONFIG = Path(__file__).resolve().parents[2] / "config.yml"  # what `make run` trained with


def tensorflow_unwanted() -> Optional[str]:
    from bot.runtime import tensorflow_stand_in

    needing = tensorflow_stand_in.needed_by(tensorflow_stand_in.components_of(CONFIG))
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
    (bot/runtime/skops_import.py says why: 7 s of the start, and the root logger set to WARNING).
    An import: it cannot be undone."""
    from bot.runtime.skops_import import import_skops_trusting_linear_models

    import_skops_trusting_linear_models()


def shorter_action_timeout() -> Undo:
    return replace("rasa.core.actions.action:DEFAULT_REQUEST_TIMEOUT", lambda _old: ACTION_TIMEOUT)


def validate_action_results_with_one_validator() -> Undo:
    """Rasa's `jsonschema.validate` checks the schema itself, then builds a validator, at every
    action call; here both are done once. The same errors, with Rasa's text added."""
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    schema = RemoteAction.action_response_format_spec()
    validator = validator_for(schema)(schema)
    validator.check_schema(schema)  # once, instead of every turn

    def validate_action_result(_action: Any, result: Dict[str, Any]) -> bool:
        error = best_match(validator.iter_errors(result))
        if error is not None:
            error.message += (
                ". Failed to validate Action server response from API, make sure your "
                "response from the Action endpoint is valid. For more information about "
                f"the format visit {DOCS_BASE_URL}/custom-actions"
            )
            raise error
        return True

    return replace(
        "rasa.core.actions.action:RemoteAction._validate_action_result", lambda _old: validate_action_result
    )


def graphs_run_in_order() -> Undo:
    """Rasa runs the model's graph through dask for every message and every action prediction,
    and first works out again which nodes the targets need (walking shared dependencies once per
    path). Here the order is worked out once per target list and the nodes are called in it:
    the same calls with the same inputs, as dask's synchronous scheduler makes them."""
    from rasa.engine.exceptions import GraphRunError

    def order_for(schema: Any, targets: List[str]) -> List[Tuple[str, Tuple[str, ...]]]:
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

    def run(
        self: Any, inputs: Optional[Dict[str, Any]] = None, targets: Optional[List[str]] = None
    ) -> Dict[str, Any]:
        targets = targets if targets else self._graph_schema.target_names
        plans = self.__dict__.setdefault("_plans_in_order", {})
        plan = plans.get(tuple(targets))
        if plan is None:
            plan = plans[tuple(targets)] = order_for(self._graph_schema, targets)
        results: Dict[str, Any] = {}
        for name, value in (inputs or {}).items():
            if isinstance(value, str) and any(value == node for node, _ in plan):
                raise GraphRunError(
                    f"Input value '{value}' clashes with a node name. Make sure that "
                    "none of the input names passed to the `run` method are the "
                    "same as node names in the graph schema."
                )
            results[name] = (name, value)
        try:
            for name, needs in plan:  # (a need that is neither node nor input is passed as is, as in dask)
                results[name] = self._instantiated_nodes[name](*(results.get(n, n) for n in needs))
        except RuntimeError as error:
            raise GraphRunError("Error running runner.") from error
        return dict(results[target] for target in targets)

    return replace("rasa.engine.runner.dask:DaskGraphRunner.run", lambda _dask_run: run)


# Below the action server's (Sanic's) keep-alive of 5 s, so that we never send on a
# connection the server is closing.
KEEP_ALIVE_SECONDS = 2.0


def kept_alive_endpoint_connections() -> Undo:
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

    def session(self: Any) -> Borrowed:
        loop = asyncio.get_running_loop()
        kept_loop, kept = self.__dict__.get("_kept_session", (None, None))
        if kept is None or kept.closed or kept_loop is not loop:
            auth = (
                aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
                if self.basic_auth
                else None
            )
            kept = aiohttp.ClientSession(
                headers=self.headers,
                auth=auth,
                timeout=aiohttp.ClientTimeout(total=endpoints.DEFAULT_REQUEST_TIMEOUT),
                connector=aiohttp.TCPConnector(keepalive_timeout=KEEP_ALIVE_SECONDS),
            )
            self.__dict__["_kept_session"] = (loop, kept)
        return Borrowed(kept)

    return replace("rasa.utils.endpoints:EndpointConfig.session", lambda _new_session_every_time: session)


def action_calls_carry_the_current_turn() -> Undo:
    """Rasa sends the action server the whole conversation with every call (its JSON grows with
    every turn: a tenth of the server's time at turn 100). Our actions read the slots, the
    latest message and the form's newest slot events (rasa_sdk's `slots_to_validate`), so
    they get the tracker's state with the events of the current turn only: from the latest
    user message on. The rest of the call is Rasa's own."""
    import rasa
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import EventVerbosity

    def current_turn(events: Any) -> List[Any]:
        turn = []
        for event in reversed(events):
            turn.append(event)
            if isinstance(event, UserUttered):
                break
        return turn[::-1]

    def _action_call_format(self: Any, tracker: Any, domain: Any) -> Dict[str, Any]:
        state = tracker.current_state(EventVerbosity.NONE)
        state["events"] = [event.as_dict() for event in current_turn(tracker.events)]
        result = {
            "next_action": self._name,
            "sender_id": tracker.sender_id,
            "tracker": state,
            "version": rasa.__version__,
        }
        if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(
            self.name()
        ):
            result["domain"] = domain.as_dict()
        return result

    return replace(
        "rasa.core.actions.action:RemoteAction._action_call_format",
        lambda _whole_conversation: _action_call_format,
    )


def remember_applied_events() -> Undo:
    return replace(
        "rasa.shared.core.trackers:DialogueStateTracker.applied_events",
        tracker_cache.applied_events_continued,
    )


def copy_without_replay() -> Undo:
    return replace("rasa.shared.core.trackers:DialogueStateTracker.copy", tracker_cache.copy_without_replay)


def remember_states() -> Undo:
    return replace(
        "rasa.shared.core.domain:Domain.states_for_tracker_history", tracker_cache.states_continued
    )


def event_classes_looked_up_once() -> Undo:
    return replace(
        "rasa.shared.core.events:Event.resolve_by_type",
        lambda walk: staticmethod(functools.lru_cache(maxsize=None)(walk)),
    )


TESTS = "tests/bot/runtime/test_rasa_changes.py::"

CHANGES: List[Change] = [
    Change(
        "tensorflow-stand-in",
        "sys:meta_path",
        None,
        "TensorFlow, which no component of ours runs, replaced by empty stand-in modules: "
        "about 350 MB less in every process of the Rasa server and 3 s less start",
        keep_tensorflow_out,
        TESTS + "test_tensorflow_stays_out_of_a_fresh_server_process_and_rasa_still_loads",
        speedup=True,
        before_rasa=True,
        skip_because=tensorflow_unwanted,
    ),
    Change(
        "skops-linear-models",
        "sklearn.utils:all_estimators",
        "(type_filter=None)",
        "skops imported before Rasa, trusting scikit-learn's linear models only: 1 s instead of "
        "7 s of the start, and Rasa's INFO log kept",
        trust_only_linear_models,
        TESTS + "test_skops_is_imported_without_all_of_scikit_learn_and_keeps_the_log_level",
        before_rasa=True,
    ),
    Change(
        "action-timeout",
        "rasa.core.actions.action:DEFAULT_REQUEST_TIMEOUT",
        "300",
        f"wait {ACTION_TIMEOUT:g} s (ACTION_TIMEOUT) for an action instead of 5 minutes; the "
        "channels then send the apology",
        shorter_action_timeout,
        TESTS + "test_action_timeout_an_action_is_called_as_stock_rasa_calls_it_with_a_shorter_timeout",
    ),
    Change(
        "action-result-validator-once",
        "rasa.core.actions.action:RemoteAction._validate_action_result",
        "(self, result)",
        "the action server's reply checked with a validator built once (Rasa checked the schema "
        "itself every turn: ~40 % of the CPU under load)",
        validate_action_results_with_one_validator,
        TESTS + "test_action_result_validator_once_accepts_and_rejects_as_stock_rasa",
        speedup=True,
    ),
    Change(
        "graph-runs-in-order",
        "rasa.engine.runner.dask:DaskGraphRunner.run",
        "(self, inputs=None, targets=None)",
        "the model's graph run node after node in an order worked out once, instead of "
        "through dask with the needed nodes worked out again at every run",
        graphs_run_in_order,
        TESTS + "test_graph_runs_in_order_gives_what_dask_gives",
        speedup=True,
    ),
    Change(
        "kept-alive-action-connection",
        "rasa.utils.endpoints:EndpointConfig.session",
        "(self)",
        "calls to the action server reuse their connection (one HTTP session per endpoint "
        "and worker) instead of opening a new one every time",
        kept_alive_endpoint_connections,
        TESTS + "test_kept_alive_action_connection_gets_the_same_replies_on_one_connection",
        speedup=True,
    ),
    Change(
        "action-call-current-turn",
        "rasa.core.actions.action:RemoteAction._action_call_format",
        "(self, tracker, domain)",
        "an action gets the conversation's state (slots, latest message, form) with the events "
        "of the current turn only, not every event since the start: what our actions read",
        action_calls_carry_the_current_turn,
        TESTS + "test_action_call_current_turn_gives_the_actions_what_stock_rasa_gives_them",
        speedup=True,
    ),
    Change(
        "applied-events-memo",
        "rasa.shared.core.trackers:DialogueStateTracker.applied_events",
        "(self)",
        "a conversation from the tracker store keeps its applied events: extended with "
        "the new events instead of walking all of them at every question (bot/runtime/tracker_cache.py)",
        remember_applied_events,
        TESTS + "test_applied_events_memo_and_dialogue_states_memo_give_stock_rasas_lists",
        speedup=True,
    ),
    Change(
        "tracker-copy-without-replay",
        "rasa.shared.core.trackers:DialogueStateTracker.copy",
        "(self)",
        "the copy Rasa makes before every action copies the conversation's state instead of "
        "replaying every event into a new tracker (bot/runtime/tracker_cache.py)",
        copy_without_replay,
        TESTS + "test_tracker_copy_without_replay_equals_stock_rasas_copy",
        speedup=True,
    ),
    Change(
        "dialogue-states-memo",
        "rasa.shared.core.domain:Domain.states_for_tracker_history",
        "(self, tracker, omit_unset_slots=False, ignore_rule_only_turns=False, rule_only_data=None)",
        "a conversation from the tracker store keeps its dialogue states: the policies' "
        "states are computed for the new events only, not from the first event at every "
        "prediction (bot/runtime/tracker_cache.py)",
        remember_states,
        TESTS + "test_applied_events_memo_and_dialogue_states_memo_give_stock_rasas_lists",
        speedup=True,
    ),
    Change(
        "event-lookup-cache",
        "rasa.shared.core.events:Event.resolve_by_type",
        "(type_name, default=None)",
        "each stored event's class looked up by name once, not by walking the class tree "
        "(9 % of the CPU in a 100-turn conversation)",
        event_classes_looked_up_once,
        TESTS + "test_event_lookup_cache_finds_every_event_class_stock_rasa_finds",
        speedup=True,
    ),
]

_undo: Dict[str, Optional[Undo]] = {}  # the installed changes, in order: name -> its undo


def active() -> List[str]:
    return list(_undo)


def rasa_version() -> str:
    import rasa

    return rasa.__version__


def installed_rasa_version() -> str:
    """The installed Rasa's version, without importing Rasa (apply() runs before that)."""
    return importlib.metadata.version("rasa")


def by_name(name: str) -> Change:
    return next(change for change in CHANGES if change.name == name)


def _off(env: Mapping[str, str]) -> Tuple[bool, set]:
    speedups = env.get("RASA_SPEEDUPS", "1") != "0"
    return speedups, {name.strip() for name in (env.get("RASA_CHANGES_OFF") or "").split(",")}


def chosen(env: Mapping[str, str]) -> List[Change]:
    speedups, off = _off(env)
    return [change for change in CHANGES if (speedups or not change.speedup) and change.name not in off]


def switched_on(name: str, env: Mapping[str, str] = os.environ) -> bool:
    """For a speedup of the tracker store (STORE_SPEEDUPS): on, unless RASA_SPEEDUPS=0,
    RASA_CHANGES_OFF names it, or the installed Rasa is not the pinned version (its SQL mirrors
    Rasa 3.6.21's)."""
    speedups, off = _off(env)
    return speedups and name not in off and installed_rasa_version() == RASA_VERSION


def check(change: Change) -> None:
    """The change's target exists and is what it was in the Rasa version it was written for."""
    try:
        found = current(change.replaces)
    except (ImportError, AttributeError) as error:
        raise RasaChangeError(
            f"Rasa-aanpassing '{change.name}' kan niet: {change.replaces} bestaat niet in deze "
            f"Rasa-versie ({error!r}). Pas bot/runtime/rasa_changes.py aan de versie aan."
        ) from None
    if change.pinned is not None and shape_of(found) != change.pinned:
        raise RasaChangeError(
            f"Rasa-aanpassing '{change.name}' kan niet: {change.replaces} is {shape_of(found)} in deze "
            f"Rasa, niet {change.pinned} zoals in Rasa {change.rasa_version}. Pas "
            "bot/runtime/rasa_changes.py aan de versie aan."
        )


def apply(env: Mapping[str, str] = os.environ) -> List[str]:
    """Install the chosen changes once, when the installed Rasa is the version they were written
    against (else none: stock Rasa, logged). Each group's targets are all checked before any of
    them is installed: first what must come before Rasa is imported, then the rest."""
    if _undo:
        return active()
    changes = chosen(env)
    version = installed_rasa_version()
    if any(change.rasa_version != version for change in changes):
        logger.warning(
            "Rasa-versie %s is niet de versie waartegen de aanpassingen zijn geschreven (%s): "
            "Rasa draait zonder aanpassingen (bot/runtime/rasa_changes.py).",
            version,
            ", ".join(sorted({change.rasa_version for change in changes})),
        )
        return []
    for group in ([c for c in changes if c.before_rasa], [c for c in changes if not c.before_rasa]):
        for change in group:
            check(change)
        for change in group:
            reason = change.skip_because()
            if reason:
                logger.info("Rasa-aanpassing %s niet actief: %s", change.name, reason)
                continue
            _undo[change.name] = change.install()
    logger.info("Rasa-aanpassingen actief: %s", ", ".join(_undo))
    return active()


def undo() -> List[str]:
    """Put back Rasa's originals of every installed change, newest first; returns those that
    cannot be undone (an import), which stay."""
    for name in reversed(list(_undo)):
        restore = _undo[name]
        if restore is not None:
            restore()
            del _undo[name]
    return active()


@contextlib.contextmanager
def applied(*names: str) -> Iterator[None]:
    """The named changes installed (checked first) for the block, then undone: how the tests
    run the same inputs through stock Rasa and through a change in one process."""
    changes = [by_name(name) for name in names]
    for change in changes:
        if change.name in _undo:
            raise RasaChangeError(f"Rasa-aanpassing '{change.name}' is al actief")
        if change.before_rasa:  # an import guard: cannot be undone
            raise RasaChangeError(
                f"Rasa-aanpassing '{change.name}' kan niet ongedaan worden: " "test haar in een nieuw proces"
            )
        check(change)
    undos: List[Undo] = []
    try:
        for change in changes:
            restore = change.install()
            assert restore is not None, change.name  # (only the import guards return none)
            undos.append(restore)
        yield
    finally:
        for restore in reversed(undos):
            restore()
