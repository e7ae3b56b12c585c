"""The registry of changes to Rasa (bot/runtime/rasa_changes.py): every entry is pinned to the Rasa
version and the parameters of what it replaces, and names a test below that runs the same inputs
through stock Rasa and through the change and compares them, in this process: the test applies
the change, compares, and undoes it. No test leaves a change behind (the fixture checks that
every replaced attribute is Rasa's own again), so the tests run in any order. The two import
guards cannot be undone: their tests run a fresh Python process."""

import asyncio
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import ValidationError
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.generator import TrainingDataGenerator
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.core.training_data.structures import StoryGraph

from bot.runtime import rasa_changes, tensorflow_stand_in
from bot.runtime.rasa_changes import CHANGES, RASA_VERSION, Change, RasaChangeError, applied

PROJECT = Path(__file__).resolve().parents[3]
UNDOABLE = [change for change in CHANGES if not change.before_rasa]


def raw(target: str):
    """What the target's owner holds itself (a staticmethod as such), or None."""
    owner, attribute = rasa_changes.resolve(target)
    return vars(owner).get(attribute)


STOCK = {change.name: raw(change.replaces) for change in UNDOABLE}


@pytest.fixture(autouse=True)
def stock_rasa_after_every_test():
    assert rasa_changes.active() == [], "a change was left applied before this test"
    yield
    rasa_changes.undo()
    assert rasa_changes.active() == []
    changed = [name for name, value in STOCK.items() if raw(rasa_changes.by_name(name).replaces) is not value]
    assert changed == []


def run_python(code: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code, *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=PROJECT,
    )
    return result.stdout.strip().splitlines()[-1]


# ---- the registry itself -----------------------------------------------------------------------


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.name)
def test_each_change_is_pinned_to_the_rasa_it_was_written_against_and_names_its_comparison_test(change):
    assert change.rasa_version == RASA_VERSION == rasa_changes.installed_rasa_version()
    found = rasa_changes.current(change.replaces)  # stock: nothing is applied here
    if change.pinned is not None:
        assert rasa_changes.shape_of(found) == change.pinned
    rasa_changes.check(change)
    path, _, test = change.test.partition("::")
    here = Path(__file__).resolve().relative_to(PROJECT).as_posix()  # (moved? rasa_changes.TESTS too)
    assert path == here and callable(globals().get(test)), change.test


def test_the_installed_rasa_is_the_pinned_version():
    import rasa

    assert rasa.__version__ == rasa_changes.installed_rasa_version() == RASA_VERSION


def test_another_rasa_version_runs_stock_rasa_and_says_so(monkeypatch, caplog, tmp_path):
    from bot.runtime.tracker_store import AssistantTrackerStore

    monkeypatch.setattr(rasa_changes, "installed_rasa_version", lambda: "3.6.20")
    with caplog.at_level(logging.WARNING, logger="bot.runtime.rasa_changes"):
        assert rasa_changes.apply({}) == []
    assert (
        "Rasa-versie 3.6.20 is niet de versie waartegen de aanpassingen zijn geschreven (3.6.21): "
        "Rasa draait zonder aanpassingen"
    ) in caplog.text
    assert all(raw(change.replaces) is STOCK[change.name] for change in UNDOABLE)
    store = AssistantTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "tracker.db"))
    assert store.speedups == [] and store.tracker_cache is None  # the store's own speedups: off too


def test_a_change_whose_target_is_gone_or_different_stops_the_start_before_rasa_is_changed(monkeypatch):
    gone = Change("moved", "rasa.core.run:no_such_function", "()", "", lambda: None, "")
    with pytest.raises(RasaChangeError, match="'moved'.*rasa.core.run:no_such_function"):
        rasa_changes.check(gone)
    other = Change("other", "rasa.core.run:configure_app", "(input_channels=None)", "", lambda: None, "")
    with pytest.raises(RasaChangeError, match=r"'other'.*niet \(input_channels=None\) zoals in Rasa 3.6.21"):
        rasa_changes.check(other)

    installed = []
    before = Change(
        "first",
        "sys:meta_path",
        None,
        "",
        lambda: installed.append("first") or (lambda: None),
        "",
        before_rasa=True,
    )
    monkeypatch.setattr(rasa_changes, "CHANGES", [before, rasa_changes.by_name("event-lookup-cache"), gone])
    with pytest.raises(RasaChangeError, match="'moved'"):
        rasa_changes.apply({})
    assert installed == ["first"] and rasa_changes.active() == ["first"]  # only what comes before Rasa
    assert raw("rasa.shared.core.events:Event.resolve_by_type") is STOCK["event-lookup-cache"]


def test_apply_installs_the_chosen_changes_once_and_undo_puts_rasas_own_back():
    names = [change.name for change in UNDOABLE]
    assert rasa_changes.apply({"RASA_CHANGES_OFF": "tensorflow-stand-in,skops-linear-models"}) == names
    assert rasa_changes.apply({}) == names  # once only
    assert [change.name for change in UNDOABLE if raw(change.replaces) is STOCK[change.name]] == []
    assert rasa_changes.undo() == []
    assert [change.name for change in UNDOABLE if raw(change.replaces) is not STOCK[change.name]] == []
    stock = [change.name for change in rasa_changes.chosen({"RASA_SPEEDUPS": "0"})]
    assert stock == ["skops-linear-models", "action-timeout"]
    assert rasa_changes.switched_on("tracker-cache", {})
    assert not rasa_changes.switched_on("tracker-cache", {"RASA_SPEEDUPS": "0"})
    assert not rasa_changes.switched_on("tracker-cache", {"RASA_CHANGES_OFF": "x,tracker-cache"})


def test_an_import_guard_is_not_applied_in_a_test_process():
    with pytest.raises(RasaChangeError, match="ongedaan"):
        with applied("skops-linear-models"):
            pass


# ---- the comparisons: the same inputs through stock Rasa and through each change ---------------


def test_action_timeout_an_action_is_called_as_stock_rasa_calls_it_with_a_shorter_timeout():
    from rasa.core.actions.action import RemoteAction
    from rasa.core.channels.channel import CollectingOutputChannel
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator
    from rasa.utils.endpoints import EndpointConfig

    class Recorder(EndpointConfig):
        """An action endpoint that records how Rasa calls it."""

        def __init__(self):
            super().__init__("http://127.0.0.1:1/webhook")
            self.calls = []

        async def request(self, **kwargs):
            self.calls.append(kwargs)
            return {"events": [{"event": "slot", "name": "role", "value": "secretaresse"}], "responses": []}

    domain = Domain.from_yaml(
        "version: '3.1'\nslots:\n  role:\n    type: text\n    mappings: []\n" "actions:\n  - action_a\n"
    )
    tracker = DialogueStateTracker.from_events(
        "bezoeker", [ActionExecuted("action_listen"), UserUttered("hoi")], slots=domain.slots
    )

    def run():
        endpoint = Recorder()
        events = asyncio.run(
            RemoteAction("action_a", endpoint).run(
                CollectingOutputChannel(), TemplatedNaturalLanguageGenerator({}), tracker, domain
            )
        )
        return events, endpoint.calls

    stock_events, [stock] = run()
    with applied("action-timeout"):
        events, [ours] = run()
    assert events == stock_events
    assert (stock.pop("timeout"), ours.pop("timeout")) == (300, rasa_changes.ACTION_TIMEOUT)
    assert ours == stock


def test_action_result_validator_once_accepts_and_rejects_as_stock_rasa():
    from rasa.core.actions.action import RemoteAction

    action = RemoteAction("action_answer_role", None)
    good = [
        {
            "events": [{"event": "slot", "name": "role", "value": "secretaresse"}],
            "responses": [{"text": "Wat doet een secretaresse?", "buttons": []}],
        },
        {},
        {"events": [], "responses": []},
    ]
    bad = [
        {"events": "geen lijst"},
        {"events": [{"name": "role"}]},
        {"responses": [1]},
        {"events": [{"event": 3}]},
        {"responses": "tekst"},
    ]

    def outcomes():
        found = [action._validate_action_result(result) for result in good]
        for result in bad:
            with pytest.raises(ValidationError) as error:
                action._validate_action_result(result)
            found.append((error.value.message, list(error.value.path), error.value.validator))
        return found

    stock = outcomes()
    with applied("action-result-validator-once"):
        assert RemoteAction._validate_action_result.__module__ == "bot.runtime.rasa_changes"
        assert outcomes() == stock
    assert stock[:3] == [True] * 3 and "Failed to validate Action server response" in stock[3][0]


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


def test_graph_runs_in_order_gives_what_dask_gives(tmp_path):
    from rasa.engine.exceptions import GraphRunError
    from rasa.engine.graph import ExecutionContext, GraphComponent, GraphSchema, SchemaNode
    from rasa.engine.runner.dask import DaskGraphRunner
    from rasa.engine.storage.local_model_storage import LocalModelStorage

    component = type("PlusComponent", (Plus, GraphComponent), {})

    def node(needs, n):
        return SchemaNode(needs=needs, uses=component, fn="add", constructor_name="create", config={"n": n})

    schema = GraphSchema(
        {
            "a": node({"i": "__x__"}, 1),
            "b": node({"i": "a"}, 10),
            "c": node({"i": "a", "j": "b"}, 100),
            "unused": node({"i": "c"}, 1000),
        }
    )
    runner = DaskGraphRunner(schema, LocalModelStorage(tmp_path), ExecutionContext(schema, "model"))
    runs = [(["c"], 5), (["b", "a"], 5), (["c", "b"], 7), (None, 2)]

    def outcomes():
        found = []
        for targets, x in runs:
            Plus.calls.clear()
            found.append((runner.run(inputs={"__x__": x}, targets=targets), sorted(Plus.calls)))
        with pytest.raises(GraphRunError, match="clashes"):
            runner.run(inputs={"__x__": "a"}, targets=["c"])
        return found

    stock = outcomes()
    with applied("graph-runs-in-order"):
        assert outcomes() == stock
        assert list(runner._plans_in_order) == [("c",), ("b", "a"), ("c", "b"), ()]  # ours ran
    assert stock[0] == ({"c": 6 + 16 + 100}, [1, 10, 100])  # each needed node once


def test_kept_alive_action_connection_gets_the_same_replies_on_one_connection():
    from aiohttp import web
    from rasa.utils.endpoints import EndpointConfig

    async def scenario():
        seen = []

        async def answer(request):
            seen.append(
                (
                    request.transport.get_extra_info("peername"),
                    request.headers.get("X-Test"),
                    await request.json(),
                )
            )
            return web.json_response({"events": [], "responses": [{"text": "ja"}]})

        app = web.Application()
        app.router.add_post("/webhook", answer)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook", headers={"X-Test": "ja"})
        try:
            replies = [
                await endpoint.request(json={"next_action": f"x{i}"}, method="post", timeout=5)
                for i in range(4)
            ]
        finally:
            await runner.cleanup()
        return replies, seen

    stock_replies, stock_seen = asyncio.run(scenario())
    with applied("kept-alive-action-connection"):
        replies, seen = asyncio.run(scenario())
    assert replies == stock_replies == [{"events": [], "responses": [{"text": "ja"}]}] * 4
    assert [request[1:] for request in seen] == [request[1:] for request in stock_seen]  # headers, bodies
    assert len({request[0] for request in stock_seen}) == 4 and len({request[0] for request in seen}) == 1


def training_trackers(domain: Domain):
    steps = []
    for path in (
        PROJECT / "data" / "stories.yml",
        PROJECT / "data" / "rules.yml",
        PROJECT / "tests" / "test_stories.yml",
    ):
        steps += YAMLStoryReader(domain).read_from_file(str(path))
    return TrainingDataGenerator(
        StoryGraph(steps), domain, augmentation_factor=0, remove_duplicates=False
    ).generate()


@pytest.fixture(scope="module")
def project():
    """The project's domain and its stories and rules as trackers (read only: nothing applied)."""
    domain = Domain.load(str(PROJECT / "domain.yml"))
    trackers = training_trackers(domain)
    assert len(trackers) > 50 and any(tracker.active_loop_name for tracker in trackers)  # forms too
    return domain, trackers


def long_conversation(domain: Domain, turns: int = 60) -> list:
    """A conversation of many turns, with a form started and left, as the tracker store gives it."""
    events = [ActionExecuted("action_session_start"), ActionExecuted("action_listen")]
    for turn in range(turns):
        events += [
            UserUttered(
                f"vraag {turn}",
                {"name": "ask_definition", "confidence": 0.9},
                entities=[{"entity": "role", "value": "secretaresse"}],
            ),
            SlotSet("role", "secretaresse"),
            ActionExecuted("action_answer_role"),
            ActionExecuted("action_listen"),
        ]
    return events


def test_action_call_current_turn_gives_the_actions_what_stock_rasa_gives_them(project):
    from rasa.core.actions.action import RemoteAction
    from rasa.utils.endpoints import EndpointConfig
    from rasa_sdk import Tracker

    domain, stories = project
    endpoint = EndpointConfig("http://127.0.0.1:1/webhook", enable_selective_domain=True)

    def what_actions_read(call):
        tracker = Tracker.from_dict(call["tracker"])
        turn = call["tracker"]["events"]
        users = [i for i, event in enumerate(turn) if event["event"] == "user"]
        return {
            "call": {k: v for k, v in call.items() if k != "tracker"},
            "slots": tracker.slots,
            "latest_message": tracker.latest_message,
            "active_loop": tracker.active_loop,
            "latest_action_name": tracker.latest_action_name,
            "followup": tracker.followup_action,
            "paused": tracker.is_paused(),
            "slots_to_validate": tracker.slots_to_validate(),
            "channel": tracker.get_latest_input_channel(),
            "state": {k: v for k, v in call["tracker"].items() if k != "events"},
            "turn": turn[users[-1] :] if users else turn,
        }

    trackers = [DialogueStateTracker.from_events("lang", long_conversation(domain), slots=domain.slots)]
    for story in stories[:40]:
        for end in range(1, len(story.events) + 1):
            trackers.append(
                DialogueStateTracker.from_events(
                    story.sender_id, list(story.events)[:end], slots=domain.slots
                )
            )
    actions = [RemoteAction("action_answer_role", endpoint), RemoteAction("validate_vacancy_form", endpoint)]

    def calls():
        return [
            what_actions_read(action._action_call_format(tracker, domain))
            for tracker in trackers
            for action in actions
        ]

    stock = calls()
    with applied("action-call-current-turn"):
        ours = calls()
        assert len(actions[0]._action_call_format(trackers[0], domain)["tracker"]["events"]) == 4  # one turn
    assert len(ours) == len(stock) > 500
    assert ours == stock


def test_applied_events_memo_and_dialogue_states_memo_give_stock_rasas_lists(project):
    """Event by event through every story and rule and a long conversation: Rasa's applied
    events and dialogue states (four ways of asking), then the same events through the memos."""
    domain, stories = project
    rule_only = {"slots": ["role", "confirmed"], "loops": ["vacancy_form"]}
    variants = [(False, False, None), (True, False, None), (False, True, rule_only), (True, True, rule_only)]
    conversations = [(story.sender_id, story.is_rule_tracker, list(story.events)) for story in stories]
    conversations.append(("lang", False, long_conversation(domain)))

    def walk():
        found = []
        for sender, is_rule, events in conversations:
            tracker = DialogueStateTracker(sender, domain.slots, is_rule_tracker=is_rule)
            tracker.derived_memo = {}  # as the tracker store gives it (stock Rasa ignores it)
            for event in events:
                tracker.update(event)
                found.append(tracker.applied_events())
                for omit, ignore, rule_only_data in variants:
                    states = domain.states_for_tracker_history(tracker, omit, ignore, rule_only_data)
                    found.append([{name: dict(sub) for name, sub in state.items()} for state in states])
                    for state in states:  # a featurizer's edit of what it got must not reach the kept states
                        state.get("user", {}).pop("intent", None)
        return found

    stock = walk()
    with applied("applied-events-memo", "dialogue-states-memo"):
        assert Domain.states_for_tracker_history.__module__ == "bot.runtime.tracker_cache"
        ours = walk()
    assert len(ours) == len(stock) > 3000
    assert ours == stock


def test_tracker_copy_without_replay_equals_stock_rasas_copy(project):
    from rasa.shared.core.events import ActiveLoop

    domain, stories = project
    conversations = [list(story.events) for story in stories] + [long_conversation(domain)]

    def kept(events):
        tracker = DialogueStateTracker.from_events("bezoeker", events, slots=domain.slots)
        tracker.derived_memo = {}  # as the tracker store gives it
        return tracker

    def state(tracker):
        return (
            list(tracker.events),
            tracker.current_state(EventVerbosity.ALL),
            {name: slot.value for name, slot in tracker.slots.items()},
            tracker.active_loop,
            tracker.latest_message,
            tracker.latest_action,
            tracker.followup_action,
        )

    stock = [state(kept(events).copy()) for events in conversations]
    with applied("tracker-copy-without-replay"):
        assert DialogueStateTracker.copy.__module__ == "bot.runtime.tracker_cache"
        originals = [kept(events) for events in conversations]
        copies = [original.copy() for original in originals]
    assert [state(copy) for copy in copies] == stock
    for original, copy in zip(originals, copies):  # and the copy is apart from the original
        before = original.current_state(EventVerbosity.ALL)
        assert not hasattr(copy, "derived_memo")
        copy.interrupt_loop(True)  # (changes the active loop in place, when there is one)
        copy.update(SlotSet("role", "secretaresse"))
        copy.update(ActiveLoop("vacancy_form"))
        assert original.current_state(EventVerbosity.ALL) == before


def test_event_lookup_cache_finds_every_event_class_stock_rasa_finds():
    from rasa.shared.core.events import Event, SlotSet
    from rasa.shared.utils.common import all_subclasses

    names = sorted({cls.type_name for cls in all_subclasses(Event)}) + ["topic", "geen_event"]

    def lookups():
        found = []
        for name in names:
            try:
                found.append(Event.resolve_by_type(name))
            except ValueError as error:
                found.append(str(error))
            found.append(Event.resolve_by_type(name, default=SlotSet))
        return found

    stock = lookups()
    with applied("event-lookup-cache"):
        assert lookups() == stock
        assert lookups() == stock
        assert Event.resolve_by_type.cache_info().hits >= len(names)  # looked up once
    assert len(names) > 20 and "Unknown event name 'geen_event'." in stock


def test_tensorflow_stays_out_of_a_fresh_server_process_and_rasa_still_loads():
    check = (
        "import re, sys, bot.runtime.rasa_changes as rc\n"
        "active = rc.apply({'RASA_CHANGES_OFF': sys.argv[1]})\n"
        "from rasa.core.agent import Agent\n"
        "from rasa.engine.recipes.default_recipe import DefaultV1Recipe\n"
        "print('tensorflow-stand-in' in active, type(sys.modules['tensorflow']).__name__,\n"
        "      int(re.search(r'VmRSS:\\s+(\\d+)', open('/proc/self/status').read()).group(1)) // 1024)"
    )
    # (the current resident set: a child's ru_maxrss starts at its parent's, which has TensorFlow)
    without, stand_in, without_mb = run_python(check, "").split()
    real, module, real_mb = run_python(check, "tensorflow-stand-in").split()  # stock
    assert (without, stand_in, real) == ("True", "_StandInModule", "False")
    if not tensorflow_stand_in.installed():  # `make setup` leaves it out: the .venv's own stand-in
        assert module == "_StandInModule"
        return
    assert module == "module"
    assert int(real_mb) - int(without_mb) > 200  # MB


def test_the_tensorflow_stand_in_leaves_itself_out_when_a_component_needs_tensorflow(tmp_path, monkeypatch):
    config = tmp_path / "config.yml"
    config.write_text(
        "pipeline:\n- name: WhitespaceTokenizer\n- name: DIETClassifier\npolicies:\n- name: RulePolicy\n"
    )
    monkeypatch.setattr(rasa_changes, "CONFIG", config)
    assert "DIETClassifier" in rasa_changes.tensorflow_unwanted()


def test_skops_is_imported_without_all_of_scikit_learn_and_keeps_the_log_level():
    check = (
        "import logging, sys; logging.basicConfig(level=logging.INFO); {first}"
        "import skops.io; print(logging.getLevelName(logging.getLogger().level), "
        "'numpy.distutils' in sys.modules)"
    )
    for first, after in (
        ("", "WARNING True"),  # stock, ours:
        ("import bot.runtime.rasa_changes as rc; rc.trust_only_linear_models(); ", "INFO False"),
    ):
        assert run_python(check.format(first=first)) == after


def test_the_rasa_server_process_imports_skops_before_rasa_and_tensorflow():
    """skops' import scans sys.modules once per numpy ufunc: after TensorFlow it took 6 s."""
    check = (
        "import sys, bot.runtime.rasa_cli as cli\n"
        "sys.modules['rasa.__main__'] = None  # stop where Rasa itself would start\n"
        "try:\n    cli.main(['rasa', 'run'])\nexcept ImportError:\n    pass\n"
        "names = list(sys.modules)  # in the order of import\n"
        "print(names.index('skops.io') < names.index('rasa') < names.index('tensorflow'))"
    )
    assert run_python(check) == "True"
