"""bot/runtime/tracker_store.py: what is removed from a conversation without consent, and the store that
creates its tables one worker at a time."""
import asyncio
import json
import threading

import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.runtime.launcher import PROJECT
from bot.runtime.tracker_store import MARKER_SLOT, AssistantTrackerStore, one_at_a_time, redacted

REMOVED = "[verwijderd: geen toestemming]"
REMOVAL = {"intake_id": "i1", "reason": "geen toestemming", "slots": ["organisation", "contact", "email"]}


def answer(text, display=None):
    meta = {"widget": {"client_id": "c" * 8, **({"display": display} if display else {})}}
    return UserUttered(text, {"name": "inform", "confidence": 0.9}, metadata=meta)


def intake(*tail):
    return [UserUttered("hoi"), SlotSet("organisation", "Oud BV"),  # an earlier intake: left alone
            UserUttered("ik zoek een secretaresse"), ActionExecuted("action_start_intake"), SlotSet("intake_id", "i1"),
            SlotSet("requested_slot", "hours"), answer("32"), SlotSet("hours", 32),
            SlotSet("requested_slot", "organisation"), answer("Visser BV"), SlotSet("organisation", "Visser BV"),
            SlotSet("requested_slot", "contact"), answer("petra@visser.nl"), SlotSet("email", "petra@visser.nl"),
            SlotSet("requested_slot", "consent"), answer("nee", display="Nee"), *tail]


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
        stored = "\n".join(connection.execute(sa.text("SELECT data FROM events WHERE sender_id = 's1'")).scalars())
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
    stuck = [ActionExecuted("action_listen"), UserUttered("Hoi, wij zijn een advocatenkantoor", {"name": "inform"})]
    stuck += [ActionExecuted("action_not_in_knowledge")] * 10  # as stored before bot/components/turn_guard.py
    asyncio.run(store.save(DialogueStateTracker.from_events("stuck", stuck, slots=domain.slots)))
    asyncio.run(store.save(DialogueStateTracker.from_events("fine", stuck[:3], slots=domain.slots)))
    assert asyncio.run(store.retrieve("stuck")).latest_action_name == "action_listen"
    assert asyncio.run(store.retrieve("fine")).latest_action_name == "action_not_in_knowledge"
