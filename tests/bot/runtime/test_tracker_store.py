"""bot/runtime/tracker_store.py: what is removed from a conversation without consent, the store that
creates its tables one worker at a time, and its speedups: the same rows and trackers as stock
Rasa's SQLTrackerStore (compared in this process), SQLite in WAL mode with its connections kept."""

import asyncio
import json
import sqlite3
import threading

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.runtime.launcher import PROJECT
from bot.runtime.tracker_store import MARKER_SLOT, AssistantTrackerStore, one_at_a_time, redacted

REMOVED = "[verwijderd: geen toestemming]"
REMOVAL = {"intake_id": "i1", "reason": "geen toestemming", "slots": ["organisation", "contact", "email"]}


def answer(text, display=None):
    meta = {"widget": {"client_id": "c" * 8, **({"display": display} if display else {})}}
    return UserUttered(text, {"name": "inform", "confidence": 0.9}, metadata=meta)


def intake(*tail):
    return [
        UserUttered("hoi"),
        SlotSet("organisation", "Oud BV"),  # an earlier intake: left alone
        UserUttered("ik zoek een secretaresse"),
        ActionExecuted("action_start_intake"),
        SlotSet("intake_id", "i1"),
        SlotSet("requested_slot", "hours"),
        answer("32"),
        SlotSet("hours", 32),
        SlotSet("requested_slot", "organisation"),
        answer("Visser BV"),
        SlotSet("organisation", "Visser BV"),
        SlotSet("requested_slot", "contact"),
        answer("petra@visser.nl"),
        SlotSet("email", "petra@visser.nl"),
        SlotSet("requested_slot", "consent"),
        answer("nee", display="Nee"),
        *tail,
    ]


def test_only_the_answers_to_personal_questions_of_that_intake_are_replaced():
    events = [e.as_dict() for e in intake()]
    replaced = redacted(events, REMOVAL)
    after = [replaced.get(i, e) for i, e in enumerate(events)]
    texts = [e.get("text") for e in after if e["event"] == "user"]
    assert texts == ["hoi", "ik zoek een secretaresse", "32", REMOVED, REMOVED, "nee"]
    values = {(e["name"], e["value"]) for e in after if e["event"] == "slot"}
    assert ("organisation", "Oud BV") in values and ("hours", 32) in values
    assert ("organisation", REMOVED) in values and ("email", REMOVED) in values
    assert "Visser" not in json.dumps(after) and "petra" not in json.dumps(after)
    assert after[-1]["metadata"]["widget"]["display"] == "Nee"  # a title the visitor tapped stays
    assert redacted(after, REMOVAL) == {}  # done once
    assert redacted(events, dict(REMOVAL, intake_id="other")) == {}


def test_the_store_removes_them_from_memory_and_from_the_rows_already_stored(tmp_path):
    domain = Domain.load(str(PROJECT / "domain.yml"))
    store = AssistantTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    tracker = DialogueStateTracker.from_events("s1", intake()[:-1], slots=domain.slots)
    asyncio.run(store.save(tracker))
    tracker.update(answer("nee", display="Nee"))
    tracker.update(SlotSet(MARKER_SLOT, REMOVAL))
    asyncio.run(store.save(tracker))
    with store.engine.connect() as connection:
        stored = "\n".join(
            connection.execute(sa.text("SELECT data FROM events WHERE sender_id = 's1'")).scalars()
        )
    assert "Visser" not in stored and "petra" not in stored and REMOVED in stored
    assert "Visser" not in json.dumps([e.as_dict() for e in tracker.events])


def test_workers_create_the_tables_one_at_a_time(tmp_path):
    db = str(tmp_path / "tracker.db")
    built = []
    with one_at_a_time("sqlite", db):
        worker = threading.Thread(target=lambda: built.append(AssistantTrackerStore(dialect="sqlite", db=db)))
        worker.start()
        worker.join(0.5)
        assert worker.is_alive() and not built  # waits for the lock
    worker.join(30)
    assert built and sa.inspect(built[0].engine).has_table("events")


def test_a_conversation_stopped_by_the_circuit_breaker_listens_again_when_read(tmp_path):
    domain = Domain.load(str(PROJECT / "domain.yml"))
    store = AssistantTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    stuck = [
        ActionExecuted("action_listen"),
        UserUttered("Hoi, wij zijn een advocatenkantoor", {"name": "inform"}),
    ]
    stuck += [ActionExecuted("action_not_in_knowledge")] * 10  # as stored before bot/components/turn_guard.py
    asyncio.run(store.save(DialogueStateTracker.from_events("stuck", stuck, slots=domain.slots)))
    asyncio.run(store.save(DialogueStateTracker.from_events("fine", stuck[:3], slots=domain.slots)))
    assert asyncio.run(store.retrieve("stuck")).latest_action_name == "action_listen"
    assert asyncio.run(store.retrieve("fine")).latest_action_name == "action_not_in_knowledge"


def conversation(store, db) -> dict:
    """A conversation written turn by turn, as the server does (read, add, save), then a second
    session saved at once; what the store then returns and holds."""

    async def current():
        return await store.retrieve("bezoeker") or DialogueStateTracker("bezoeker", [])

    async def scenario():
        for step, event in enumerate(
            [
                ActionExecuted("action_session_start"),
                SessionStarted(),
                ActionExecuted("action_listen"),
                UserUttered("wat doet een secretaresse", {"name": "ask_definition", "confidence": 0.9}),
                SlotSet("role", "secretaresse"),
                BotUttered("Een secretaresse ...", {"buttons": []}),
                ActionExecuted("action_listen"),
            ]
        ):
            event.timestamp = 1000.0 + step
            tracker = await current()
            tracker.update(event)
            await store.save(tracker)
        tracker = await current()
        for step, event in enumerate([SessionStarted(), UserUttered("hallo", {"name": "greet"})]):
            event.timestamp = 2000.0 + step
            tracker.update(event)
        await store.save(tracker)
        return await read(store, db)

    return asyncio.run(scenario())


async def read(store, db) -> dict:
    latest, full = await store.retrieve("bezoeker"), await store.retrieve_full_tracker("bezoeker")
    rows = (
        sqlite3.connect(db)
        .execute(
            "SELECT sender_id, type_name, timestamp, intent_name, action_name, data "
            "FROM events ORDER BY id"
        )
        .fetchall()
    )
    return {
        "latest": [e.as_dict() for e in latest.events],
        "full": [e.as_dict() for e in full.events],
        "rows": rows,
    }


def test_the_store_stores_and_reads_exactly_what_stock_rasa_does(tmp_path):
    stock_db, ours_db = str(tmp_path / "stock.db"), str(tmp_path / "ours.db")
    stock_store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=stock_db)
    ours_store = AssistantTrackerStore(Domain.empty(), dialect="sqlite", db=ours_db)
    assert ours_store.speedups == [
        "sqlite-write-ahead-log",
        "sqlite-connection-pool",
        "sql-tracker-store-without-orm",
        "tracker-cache",
    ]
    stock, ours = conversation(stock_store, stock_db), conversation(ours_store, ours_db)
    assert ours == stock
    assert len(stock["latest"]) == 2 and len(stock["full"]) == len(stock["rows"]) >= 9
    readers = (
        AssistantTrackerStore(Domain.empty(), dialect="sqlite", db=stock_db),
        SQLTrackerStore(Domain.empty(), dialect="sqlite", db=ours_db),
    )
    assert asyncio.run(read(readers[0], stock_db)) == stock  # ours reads what stock Rasa wrote
    assert asyncio.run(read(readers[1], ours_db)) == stock  # and the other way round


@pytest.mark.parametrize("off", ["", "sql-tracker-store-without-orm,tracker-cache"])
def test_the_sqlite_store_writes_ahead_and_keeps_its_connections_open(tmp_path, monkeypatch, off):
    monkeypatch.setenv("RASA_CHANGES_OFF", off)
    store = AssistantTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "tracker.db"))
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    store.engine.dispose()
    opened = []
    sa.event.listen(store.engine, "connect", lambda connection, _record: opened.append(connection))

    async def turns():
        for turn in range(5):
            tracker = await store.retrieve("bezoeker") or DialogueStateTracker("bezoeker", [])
            tracker.update(ActionExecuted(f"utter_{turn}"))
            await store.save(tracker)
        return await store.retrieve_full_tracker("bezoeker")

    assert len(asyncio.run(turns()).events) == 5
    assert len(opened) == 1  # (without the pool: one per read and per write, 16 here)


def test_with_the_speedups_off_the_store_is_rasas_own(tmp_path, monkeypatch):
    monkeypatch.setenv("RASA_SPEEDUPS", "0")
    db = str(tmp_path / "tracker.db")
    store = AssistantTrackerStore(Domain.empty(), dialect="sqlite", db=db)
    assert store.speedups == [] and store.tracker_cache is None
    assert type(store.engine.pool).__name__ == "NullPool"  # SQLAlchemy 1.4's default for a file
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "delete"
    assert conversation(store, db) == conversation(
        SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "stock.db")),
        str(tmp_path / "stock.db"),
    )
