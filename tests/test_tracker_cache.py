"""The tracker cache and the kept dialogue states (bot/runtime/tracker_cache.py): a conversation is
reused only while the store is unchanged, and the policies get exactly Rasa's states."""
import asyncio
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.generator import TrainingDataGenerator
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.shared.core.training_data.structures import StoryGraph
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader

from bot.runtime import rasa_changes
from bot.runtime.tracker_cache import TrackerCache

PROJECT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module", autouse=True)
def changes_applied():
    active = rasa_changes.apply({})
    assert {"tracker-cache", "applied-events-memo", "dialogue-states-memo", "tracker-copy-without-replay"} <= set(active)
    return active


def turn(tracker: DialogueStateTracker, text: str) -> None:
    for event in (UserUttered(text, {"name": "greet", "confidence": 1.0}), ActionExecuted("utter_greet"),
                  ActionExecuted("action_listen")):
        tracker.update(event)


def another_worker_says(db: Path, text: str) -> None:
    """A turn saved by another process (another Sanic worker) on the same database."""
    code = ("import asyncio, sys\n"
            "from bot.runtime import rasa_changes; rasa_changes.apply({})\n"
            "from rasa.core.tracker_store import SQLTrackerStore\n"
            "from rasa.shared.core.domain import Domain\n"
            "from rasa.shared.core.events import UserUttered\n"
            "async def main():\n"
            "    store = SQLTrackerStore(Domain.empty(), dialect='sqlite', db=sys.argv[1])\n"
            "    tracker = await store.retrieve('bezoeker')\n"
            "    tracker.update(UserUttered(sys.argv[2], {'name': 'greet', 'confidence': 1.0}))\n"
            "    await store.save(tracker)\n"
            "asyncio.run(main())\n")
    subprocess.run([sys.executable, "-W", "ignore", "-c", code, str(db), text], check=True, cwd=PROJECT)


def test_a_saved_conversation_is_reused_only_while_the_store_holds_what_was_saved(tmp_path):
    db = tmp_path / "tracker.db"
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(db))
    cache = SQLTrackerStore.tracker_cache

    async def scenario():
        tracker = DialogueStateTracker("bezoeker", [])
        for event in (ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")):
            tracker.update(event)
        turn(tracker, "hallo")
        await store.save(tracker)
        again = await store.retrieve("bezoeker")
        assert again is tracker  # from the cache: nothing read or replayed
        assert await store.retrieve("bezoeker") is not tracker  # handed out once: now from the store
        turn(again, "nog een vraag")
        await store.save(again)

        another_worker_says(db, "via de andere worker")
        latest = await store.retrieve("bezoeker")
        assert latest is not again and latest.events[-1].text == "via de andere worker"
        await store.save(latest)

        sqlite3.connect(db).execute("DELETE FROM events WHERE type_name = 'user'").connection.commit()
        purged = await store.retrieve("bezoeker")  # rows gone (a purge): read again, not the kept one
        assert purged is not latest and not any(isinstance(e, UserUttered) for e in purged.events)

        turn(purged, "na een nieuwe sessie")
        purged.update(SessionStarted())  # a second session inside: the store would return less
        await store.save(purged)
        assert await store.retrieve("bezoeker") is not purged

    hits = cache.hits
    asyncio.run(scenario())
    assert cache.hits == hits + 1


def test_the_cache_keeps_the_conversations_used_last():
    cache = TrackerCache(size=2)
    trackers = {name: DialogueStateTracker(name, []) for name in "abc"}
    for name, tracker in trackers.items():
        cache.put(name, (1, 1), tracker)
    assert cache.take("a", (1, 1)) is None  # left out: the oldest of three
    assert cache.take("b", (1, 2)) is None  # the store changed
    assert cache.take("c", (1, 1)) is trackers["c"] and cache.take("c", (1, 1)) is None


def training_trackers(domain: Domain):
    steps = []
    for path in (PROJECT / "data" / "stories.yml", PROJECT / "data" / "rules.yml", PROJECT / "tests" / "test_stories.yml"):
        steps += YAMLStoryReader(domain).read_from_file(str(path))
    return TrainingDataGenerator(StoryGraph(steps), domain, augmentation_factor=0, remove_duplicates=False).generate()


def test_the_kept_states_are_rasas_states_event_by_event_through_every_story_and_rule():
    domain = Domain.load(str(PROJECT / "domain.yml"))
    rule_only = {"slots": ["role", "confirmed"], "loops": ["vacancy_form"]}
    variants = [(False, False, None), (True, False, None), (False, True, rule_only), (True, True, rule_only)]
    trackers = training_trackers(domain)
    assert len(trackers) > 50 and any(tracker.active_loop_name for tracker in trackers)  # forms too
    compared = 0
    for story in trackers:
        kept = DialogueStateTracker(story.sender_id, domain.slots, is_rule_tracker=story.is_rule_tracker)
        plain = DialogueStateTracker(story.sender_id, domain.slots, is_rule_tracker=story.is_rule_tracker)
        kept.derived_memo = {}  # as the tracker store gives it
        for event in story.events:
            kept.update(event)
            plain.update(event)
            assert kept.applied_events() == plain.applied_events()
            for omit, ignore, rule_only_data in variants:
                got = domain.states_for_tracker_history(kept, omit, ignore, rule_only_data)
                assert got == domain.states_for_tracker_history(plain, omit, ignore, rule_only_data)
                for state in got:  # a featurizer's edit of what it got must not reach the kept states
                    state.get("user", {}).pop("intent", None)
                compared += 1
    assert compared > 2000


def test_a_kept_tracker_is_copied_with_the_state_a_replay_gives_and_apart_from_it():
    from rasa.shared.core.events import ActiveLoop, SlotSet

    domain = Domain.load(str(PROJECT / "domain.yml"))
    compared = 0
    for story in training_trackers(domain):
        kept = DialogueStateTracker(story.sender_id, domain.slots, is_rule_tracker=story.is_rule_tracker)
        for event in story.events:
            kept.update(event)
        kept.derived_memo = {}
        copied = kept.copy()
        del kept.derived_memo
        replayed = kept.copy()  # Rasa's own: every event replayed into a new tracker
        assert copied.current_state(EventVerbosity.ALL) == replayed.current_state(EventVerbosity.ALL)
        assert {n: s.value for n, s in copied.slots.items()} == {n: s.value for n, s in replayed.slots.items()}
        assert copied.active_loop == replayed.active_loop and not hasattr(copied, "derived_memo")
        before = kept.current_state(EventVerbosity.ALL)
        copied.interrupt_loop(True)  # (changes the active loop in place, when there is one)
        copied.update(SlotSet("role", "secretaresse"))
        copied.update(ActiveLoop("vacancy_form"))
        assert kept.current_state(EventVerbosity.ALL) == before  # the copy is apart
        compared += 1
    assert compared > 50
