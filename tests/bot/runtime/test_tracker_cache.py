"""The tracker cache (bot/runtime/tracker_cache.py) in the tracker store (bot/runtime/tracker_store.py):
a conversation is reused only while the store holds what was saved. Another worker is another
store on the same database (its own cache), in this process. (That the kept applied events,
dialogue states and copies are Rasa's own: tests/bot/runtime/test_rasa_changes.py.)"""

import asyncio
import sqlite3

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.runtime.tracker_cache import TrackerCache
from bot.runtime.tracker_store import AssistantTrackerStore


def turn(tracker: DialogueStateTracker, text: str) -> None:
    for event in (
        UserUttered(text, {"name": "greet", "confidence": 1.0}),
        ActionExecuted("utter_greet"),
        ActionExecuted("action_listen"),
    ):
        tracker.update(event)


def test_a_saved_conversation_is_reused_only_while_the_store_holds_what_was_saved(tmp_path):
    db = tmp_path / "tracker.db"
    store = AssistantTrackerStore(Domain.empty(), dialect="sqlite", db=str(db))
    other_worker = AssistantTrackerStore(Domain.empty(), dialect="sqlite", db=str(db))
    assert "tracker-cache" in store.speedups

    async def scenario():
        tracker = DialogueStateTracker("bezoeker", [])
        for event in (
            ActionExecuted("action_session_start"),
            SessionStarted(),
            ActionExecuted("action_listen"),
        ):
            tracker.update(event)
        turn(tracker, "hallo")
        await store.save(tracker)
        again = await store.retrieve("bezoeker")
        assert again is tracker and again.derived_memo == {}  # from the cache: nothing read or replayed
        assert await store.retrieve("bezoeker") is not tracker  # handed out once: now from the store
        turn(again, "nog een vraag")
        await store.save(again)

        elsewhere = await other_worker.retrieve("bezoeker")  # a turn answered by another worker
        elsewhere.update(UserUttered("via de andere worker", {"name": "greet", "confidence": 1.0}))
        await other_worker.save(elsewhere)
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

    asyncio.run(scenario())
    assert store.tracker_cache.hits == 1


def test_the_cache_keeps_the_conversations_used_last():
    cache = TrackerCache(size=2)
    trackers = {name: DialogueStateTracker(name, []) for name in "abc"}
    for name, tracker in trackers.items():
        cache.put(name, (1, 1), tracker)
    assert cache.take("a", (1, 1)) is None  # left out: the oldest of three
    assert cache.take("b", (1, 2)) is None  # the store changed
    assert cache.take("c", (1, 1)) is trackers["c"] and cache.take("c", (1, 1)) is None


def test_without_the_cache_every_message_reads_from_the_store(tmp_path, monkeypatch):
    monkeypatch.setenv("RASA_CHANGES_OFF", "tracker-cache")
    store = AssistantTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "tracker.db"))
    tracker = DialogueStateTracker("bezoeker", [])
    turn(tracker, "hallo")
    asyncio.run(store.save(tracker))
    again = asyncio.run(store.retrieve("bezoeker"))
    assert store.tracker_cache is None and again is not tracker and not hasattr(again, "derived_memo")
    assert again.events == tracker.events
