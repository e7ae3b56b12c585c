"""Our changes to Rasa (bot/runtime/rasa_changes.py): each one is installed, finds its target in this
Rasa, and keeps Rasa's behaviour."""
import subprocess
import sys

import pytest
from jsonschema import ValidationError

from bot.runtime import rasa_changes
from bot.runtime.rasa_changes import CHANGES, Change, RasaChangeError


@pytest.fixture(scope="module", autouse=True)
def changes_applied():
    return rasa_changes.apply({})


def run_python(code: str) -> str:
    result = subprocess.run([sys.executable, "-W", "ignore", "-c", code], capture_output=True,
                            text=True, check=True)
    return result.stdout.strip().splitlines()[-1]


def test_every_change_finds_its_target_and_is_active(changes_applied):
    # (the TensorFlow stand-in leaves itself out where TensorFlow was imported before, as in
    # this test process; the running server has it: tests/e2e/test_rasa_changes.py)
    expected = [change.name for change in CHANGES]
    assert [name for name in expected if name not in changes_applied] in ([], ["tensorflow-stand-in"])
    assert changes_applied == [name for name in expected if name in changes_applied]
    assert rasa_changes.apply({}) == changes_applied  # once only
    stock = [change.name for change in rasa_changes.chosen({"RASA_SPEEDUPS": "0"})]
    assert stock == ["skops-linear-models", "action-timeout", "empty-message-unsure", "health-route"]


def test_a_change_whose_target_is_gone_stops_the_start_with_its_name_before_rasa_is_changed():
    with pytest.raises(RasaChangeError, match="'moved'.*rasa.core.run:no_such_function"):
        rasa_changes.check(Change("moved", "rasa.core.run:no_such_function", "", lambda: None))
    code = ("from bot.runtime import rasa_changes as rc\n"
            "from rasa.core.actions.action import RemoteAction\n"
            "original = RemoteAction._validate_action_result\n"
            "rc.CHANGES.append(rc.Change('moved', 'rasa.core.run:no_such_function', '', lambda: None))\n"
            "try:\n    rc.apply({})\nexcept rc.RasaChangeError as error:\n"
            "    print(RemoteAction._validate_action_result is original, rc.active())")
    assert run_python(code) == "True ['skops-linear-models']"  # only what comes before Rasa


def test_tensorflow_stays_out_of_a_fresh_server_process_and_rasa_still_loads():
    check = ("import re, sys, bot.runtime.rasa_changes as rc\n"
             "active = rc.apply({'RASA_CHANGES_OFF': sys.argv[1]})\n"
             "from rasa.core.agent import Agent\n"
             "from rasa.engine.recipes.default_recipe import DefaultV1Recipe\n"
             "print('tensorflow-stand-in' in active, type(sys.modules['tensorflow']).__name__,\n"
             "      int(re.search(r'VmRSS:\\s+(\\d+)', open('/proc/self/status').read()).group(1)) // 1024)")
    # (the current resident set: a child's ru_maxrss starts at its parent's, which has TensorFlow)
    without, stand_in, without_mb = run_python_args(check, "").split()
    real, module, real_mb = run_python_args(check, "tensorflow-stand-in").split()
    assert (without, stand_in, real, module) == ("True", "_StandInModule", "False", "module")
    assert int(real_mb) - int(without_mb) > 200  # MB


def test_the_tensorflow_stand_in_leaves_itself_out_when_a_component_needs_tensorflow(tmp_path, monkeypatch):
    config = tmp_path / "config.yml"
    config.write_text("pipeline:\n- name: WhitespaceTokenizer\n- name: DIETClassifier\npolicies:\n- name: RulePolicy\n")
    monkeypatch.setattr(rasa_changes, "CONFIG", config)
    assert "DIETClassifier" in rasa_changes.tensorflow_unwanted()


def test_the_action_result_check_still_accepts_good_and_rejects_bad_replies():
    from rasa.core.actions.action import RemoteAction

    action = RemoteAction("action_answer_role", None)
    good = {"events": [{"event": "slot", "name": "role", "value": "secretaresse"}],
            "responses": [{"text": "Wat doet een secretaresse?", "buttons": []}]}
    assert RemoteAction._validate_action_result.__module__ == "bot.runtime.rasa_changes"
    assert action._validate_action_result(good)
    for bad in ({"events": "geen lijst"}, {"events": [{"name": "role"}]}, {"responses": [1]}):
        with pytest.raises(ValidationError):
            action._validate_action_result(bad)


def test_sqlite_connections_write_ahead(tmp_path):
    import sqlalchemy

    engine = sqlalchemy.create_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_the_sqlite_tracker_store_keeps_its_connection_open(tmp_path):
    import asyncio

    import sqlalchemy
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted
    from rasa.shared.core.trackers import DialogueStateTracker

    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "tracker.db"))
    store.engine.dispose()  # (creating the table opened one already)
    opened = []
    sqlalchemy.event.listen(store.engine, "connect", lambda connection, _record: opened.append(connection))

    async def turns():
        for turn in range(5):
            tracker = await store.retrieve("bezoeker") or DialogueStateTracker("bezoeker", [])
            tracker.update(ActionExecuted(f"utter_{turn}"))
            await store.save(tracker)
        return await store.retrieve_full_tracker("bezoeker")

    assert len(asyncio.run(turns()).events) == 5
    assert len(opened) == 1  # (without the pool: one per read and per write, 16 here)


def test_the_classifier_gets_the_same_input_from_the_sentence_features_alone():
    import numpy as np
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
    from rasa.shared.nlu.training_data.features import Features
    from rasa.shared.nlu.training_data.message import Message
    from scipy.sparse import coo_matrix, csr_matrix, hstack, vstack

    rng = np.random.default_rng(7)

    def message(tokens: int) -> Message:
        found = Message(data={"text": "x " * tokens})
        for origin, width in (("regex", 3), ("lexical", 40), ("words", 25), ("chars", 60)):
            for kind, rows in (("sequence", tokens), ("sentence", 1)):
                values = coo_matrix(rng.integers(0, 3, size=(rows, width)).astype(float))
                found.add_features(Features(values, kind, "text", origin))
        return found

    messages = [message(4), message(9)]
    expected = vstack([hstack([csr_matrix(m.get_sparse_features("text")[1].features), csr_matrix([])])
                       for m in messages])  # Rasa 3.6.21's _create_X, step by step
    ours = LogisticRegressionClassifier._create_X(None, messages)
    assert ours.shape == expected.shape == (2, 128) and ours.dtype == expected.dtype
    assert (ours != expected).nnz == 0


class Plus:
    """A graph component that adds its inputs and its own number, and logs each call."""
    calls = []

    @classmethod
    def create(cls, config, model_storage, resource, execution_context):
        return cls(config["n"])

    def __init__(self, n):
        self.n = n

    def add(self, i, j=0):
        Plus.calls.append(self.n)
        return i + j + self.n


def test_the_graph_runs_its_nodes_as_dask_did(tmp_path):
    import dask
    from rasa.engine.exceptions import GraphRunError
    from rasa.engine.graph import ExecutionContext, GraphComponent, GraphSchema, SchemaNode
    from rasa.engine.runner.dask import DaskGraphRunner
    from rasa.engine.storage.local_model_storage import LocalModelStorage

    component = type("PlusComponent", (Plus, GraphComponent), {})
    node = lambda needs, n: SchemaNode(needs=needs, uses=component, fn="add", constructor_name="create",  # noqa: E731
                                       config={"n": n})
    schema = GraphSchema({"a": node({"i": "__x__"}, 1), "b": node({"i": "a"}, 10),
                          "c": node({"i": "a", "j": "b"}, 100), "unused": node({"i": "c"}, 1000)})
    runner = DaskGraphRunner(schema, LocalModelStorage(tmp_path), ExecutionContext(schema, "model"))

    def by_dask(targets):  # Rasa 3.6.21's DaskGraphRunner.run, step by step
        graph = runner._build_dask_graph(schema.minimal_graph_schema(targets))
        graph["__x__"] = ("__x__", 5)
        return dict(dask.get(graph, targets))

    for targets in (["c"], ["b", "a"], ["c", "b"]):
        Plus.calls.clear()
        ours = runner.run(inputs={"__x__": 5}, targets=targets)
        ours_calls = sorted(Plus.calls)
        Plus.calls.clear()
        assert ours == by_dask(targets) and ours_calls == sorted(Plus.calls)  # each needed node once
    assert runner.run(inputs={"__x__": 5}, targets=["c"]) == {"c": 6 + 16 + 100}
    assert list(runner._plans_in_order) == [("c",), ("b", "a"), ("c", "b")]  # ours ran, not dask
    with pytest.raises(GraphRunError, match="clashes"):
        runner.run(inputs={"__x__": "a"}, targets=["c"])


def test_calls_to_the_action_server_reuse_one_connection():
    import asyncio

    from aiohttp import web
    from rasa.utils.endpoints import EndpointConfig

    async def scenario():
        seen = []

        async def answer(request):
            seen.append((request.transport.get_extra_info("peername"), request.headers.get("X-Test")))
            return web.json_response({"events": [], "responses": []})

        app = web.Application()
        app.router.add_post("/webhook", answer)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook", headers={"X-Test": "ja"})
        try:
            replies = [await endpoint.request(json={"next_action": "x"}, method="post", timeout=5)
                       for _ in range(4)]
        finally:
            await runner.cleanup()
        return replies, seen

    replies, seen = asyncio.run(scenario())
    assert replies == [{"events": [], "responses": []}] * 4
    assert len({peer for peer, _ in seen}) == 1 and {header for _, header in seen} == {"ja"}


def test_an_action_gets_the_state_and_the_events_of_the_current_turn():
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
    from rasa.utils.endpoints import EndpointConfig

    domain = Domain.from_yaml("version: '3.1'\nslots:\n  role:\n    type: text\n    mappings: []\n"
                              "actions:\n  - action_a\n  - action_b:\n      send_domain: true\n")
    tracker = DialogueStateTracker("bezoeker", domain.slots)
    for text in ("eerste vraag", "tweede vraag"):
        for event in (ActionExecuted("action_listen"), UserUttered(text, {"name": "ask", "confidence": 1.0}),
                      SlotSet("role", text), ActionExecuted("action_a")):
            tracker.update(event)
    endpoint = EndpointConfig("http://127.0.0.1:1/webhook", enable_selective_domain=True)
    call = RemoteAction("action_a", endpoint)._action_call_format(tracker, domain)
    state = call["tracker"]
    assert [e["event"] for e in state["events"]] == ["user", "slot", "action"]
    assert state["events"][0]["text"] == "tweede vraag"
    assert {k: v for k, v in state.items() if k != "events"} == \
        {k: v for k, v in tracker.current_state(EventVerbosity.ALL).items() if k != "events"}
    assert "domain" not in call and "domain" in RemoteAction("action_b", endpoint)._action_call_format(tracker, domain)
    first = DialogueStateTracker("nieuw", domain.slots)
    first.update(ActionExecuted("action_session_start"))
    assert len(RemoteAction("action_a", endpoint)._action_call_format(first, domain)["tracker"]["events"]) == 1


def test_event_classes_are_still_found_by_name_and_looked_up_once():
    from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered

    hits = Event.resolve_by_type.cache_info().hits
    assert Event.resolve_by_type("slot") is SlotSet
    assert Event.resolve_by_type("slot") is SlotSet
    assert Event.resolve_by_type.cache_info().hits > hits
    assert Event.resolve_by_type("user") is UserUttered
    assert Event.resolve_by_type("action") is ActionExecuted
    with pytest.raises(ValueError):
        Event.resolve_by_type("geen_event")


def test_an_empty_message_gets_no_intent_instead_of_an_error(tmp_path):
    import numpy as np
    import scipy.sparse
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
    from rasa.shared.nlu.training_data.features import Features
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    def message(text, row, intent=None):
        m = Message(data={"text": text, **({"intent": intent} if intent else {})})
        if row is not None:
            m.add_features(Features(scipy.sparse.coo_matrix(np.array([row], dtype=float)),
                                    "sentence", "text", "test"))
        return m

    classifier = LogisticRegressionClassifier.create(
        LogisticRegressionClassifier.get_default_config(), LocalModelStorage(tmp_path),
        Resource("lr"), ExecutionContext(GraphSchema({}), "test"))
    classifier.train(TrainingData([message("hallo", [1, 0], "greet"), message("dag", [0, 1], "goodbye"),
                                   message("hoi", [1, 0], "greet"), message("doei", [0, 1], "goodbye")]))
    empty, greeting = message("", None), message("hallo daar", [1, 0])
    assert classifier.process([empty, greeting]) == [greeting, empty]
    assert empty.get("intent") == {"name": None, "confidence": 0.0}
    assert greeting.get("intent")["name"] == "greet"

    # Loaded again with skops' shorter allowlist, the classifier is the trained one (an
    # untrusted type would make Rasa silently start an untrained classifier instead).
    loaded = LogisticRegressionClassifier.load(
        LogisticRegressionClassifier.get_default_config(), LocalModelStorage(tmp_path),
        Resource("lr"), ExecutionContext(GraphSchema({}), "test"))
    assert list(loaded.clf.classes_) == ["goodbye", "greet"]


def test_skops_is_imported_without_all_of_scikit_learn_and_keeps_the_log_level():
    check = ("import logging, sys; logging.basicConfig(level=logging.INFO); {first}"
             "import skops.io; print(logging.getLevelName(logging.getLogger().level), "
             "'numpy.distutils' in sys.modules)")
    for first, after in (("", "WARNING True"),  # without, with:
                         ("import bot.runtime.rasa_changes as rc; rc.trust_only_linear_models(); ", "INFO False")):
        assert run_python(check.format(first=first)) == after


def test_the_spacy_pipeline_is_loaded_once():
    from rasa.nlu.utils.spacy_utils import SpacyNLP

    first = SpacyNLP.load_model("build/spacy_nl")
    assert SpacyNLP.load_model("build/spacy_nl") is first
    assert [t.text for t in first.model("de secretaresses plannen")] == ["de", "secretaresses", "plannen"]


def test_the_rasa_server_process_imports_skops_before_rasa_and_tensorflow():
    """skops' import scans sys.modules once per numpy ufunc: after TensorFlow it took 6 s."""
    check = ("import sys, bot.runtime.rasa_cli as cli\n"
             "sys.modules['rasa.__main__'] = None  # stop where Rasa itself would start\n"
             "try:\n    cli.main(['rasa', 'run'])\nexcept ImportError:\n    pass\n"
             "names = list(sys.modules)  # in the order of import\n"
             "print(names.index('skops.io') < names.index('rasa') < names.index('tensorflow'))")
    assert run_python(check) == "True"


SQL_STORE_SCRIPT = """
import asyncio, json, sqlite3, sys
from bot.runtime import rasa_changes
if sys.argv[1] == "ours":
    rasa_changes.apply({})
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

async def main(db, write):
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=db)
    if write:
        async def current():  # read before every change, as the server does
            return await store.retrieve("bezoeker") or DialogueStateTracker("bezoeker", [])
        for step, event in enumerate([
                ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
                UserUttered("wat doet een secretaresse", {"name": "ask_definition", "confidence": 0.9}),
                SlotSet("role", "secretaresse"), BotUttered("Een secretaresse ...", {"buttons": []}),
                ActionExecuted("action_listen")]):
            event.timestamp = 1000.0 + step
            tracker = await current()
            tracker.update(event)
            await store.save(tracker)  # turn by turn, as the server does
        tracker = await current()
        for step, event in enumerate([SessionStarted(), UserUttered("hallo", {"name": "greet"})]):
            event.timestamp = 2000.0 + step
            tracker.update(event)
        await store.save(tracker)
    latest, full = await store.retrieve("bezoeker"), await store.retrieve_full_tracker("bezoeker")
    rows = sqlite3.connect(db).execute(
        "SELECT sender_id, type_name, timestamp, intent_name, action_name, data FROM events ORDER BY id").fetchall()
    print(json.dumps({"latest": [e.as_dict() for e in latest.events],
                      "full": [e.as_dict() for e in full.events], "rows": rows}))

asyncio.run(main(sys.argv[2], sys.argv[3] == "write"))
"""


def test_the_sql_tracker_store_stores_and_reads_exactly_what_rasa_does(tmp_path):
    import json

    def run(store: str, db, mode: str) -> dict:
        return json.loads(run_python_args(SQL_STORE_SCRIPT, store, str(db), mode))

    stock, ours = run("stock", tmp_path / "stock.db", "write"), run("ours", tmp_path / "ours.db", "write")
    assert ours == stock
    assert len(stock["latest"]) == 2 and len(stock["full"]) == len(stock["rows"]) >= 9
    assert run("ours", tmp_path / "stock.db", "read") == stock  # reads what stock Rasa wrote
    assert run("stock", tmp_path / "ours.db", "read") == stock  # and the other way round


def run_python_args(code: str, *args: str) -> str:
    result = subprocess.run([sys.executable, "-W", "ignore", "-c", code, *args], capture_output=True,
                            text=True, check=True)
    return result.stdout.strip().splitlines()[-1]
