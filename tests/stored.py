"""What the tests write into real stores: conversations through Rasa's own SQLTrackerStore (SQLite, or
the PostgreSQL store of tests/scale), vacancy requests into a leads database, and `python -m bot` run
on them. Shared by the unit tests of bot/office and bot/stores and by tests/scale."""

import asyncio
import os
import sqlite3
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.runtime.launcher import PROJECT
from bot.stores import leads

DAY = 24 * 3600
# A vacancy request as the intake stores it.
REQUEST = {
    "role": "office manager",
    "contract": "vast",
    "hours": 32,
    "start_date": "2027-03-01",
    "organisation": "Bakker & Zonen <BV>",
    "contact_name": "Jan Jansen",
    "email": "jan@bakker.nl",
    "phone": "+31612345678",
    "description": "Iemand die het kantoor regelt",
}


def conversations(tracker_db, talks, store=None):
    """talks: {sender: [(days ago, text, {slot: value}), ...]}, saved through Rasa's store
    (SQLite at `tracker_db`, or the given one)."""
    store = store or SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tracker_db))
    for sender, turns in talks.items():
        events = []
        for days_ago, text, slots in turns:
            moment = time.time() - days_ago * DAY
            events += [UserUttered(text, timestamp=moment), BotUttered("Oké.", timestamp=moment + 1)]
            events += [SlotSet(name, value, timestamp=moment + 2) for name, value in slots.items()]
        # In a thread of its own: a browser test in the same session may own this thread's loop.
        with ThreadPoolExecutor(1) as thread:
            thread.submit(asyncio.run, store.save(DialogueStateTracker.from_events(sender, events))).result()
    store.engine.dispose()


def request(var_dir, sender, name, email, phone, days_ago=0):
    number = leads.store(
        {
            "role": "secretaresse",
            "contract": "vast",
            "hours": 24,
            "start_date": "2027-01-01",
            "organisation": "Org",
            "contact_name": name,
            "email": email,
            "phone": phone,
            "description": "",
        },
        uuid.uuid4().hex,
        sender,
        "Mogen we ...?",
        var_dir / "leads.db",
    )
    with sqlite3.connect(var_dir / "leads.db") as db:
        db.execute(
            "UPDATE vacancy_requests SET created_at = ? WHERE id = ?",
            (time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() - days_ago * DAY)), number),
        )
        db.execute(
            "INSERT INTO delivery_attempts (delivery_id, started_at, outcome) SELECT id, 'x', 'ok' "
            "FROM deliveries WHERE request_id = ?",
            (number,),
        )
    return number


def cli(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        env=dict(os.environ, **(env or {})),
    )


def save(store, sender, turns):
    """turns: [(unix time, text, intent, action after it, widget metadata)]"""
    events = []
    for moment, text, intent, action, meta in turns:
        events.append(
            UserUttered(
                text,
                {"name": intent, "confidence": 0.9},
                timestamp=moment,
                metadata={"widget": meta} if meta else None,
                input_channel="widget",
            )
        )
        events.append(ActionExecuted(action, timestamp=moment + 0.1))
        events.append(
            BotUttered(
                f"antwoord op {text}",
                {"buttons": [{"title": "Wat is het verschil?", "payload": "/ask_difference"}]},
                timestamp=moment + 0.2,
            )
        )
    tracker = DialogueStateTracker.from_events(sender, events)
    with ThreadPoolExecutor(1) as thread:  # a loop of its own, also beside Playwright's in one pytest run
        thread.submit(asyncio.run, store.save(tracker)).result()


def talks(store, now):
    day = 24 * 3600
    save(
        store,
        "eerste",
        [
            (now - 2 * day, "/greet", "greet", "utter_greet", {"opening": True}),
            (now - 2 * day + 5, "wat doet een office manager", "ask_definition", "action_answer_role", {}),
            (now - 2 * day + 9, "wat verdient ze?", "out_of_scope", "action_not_in_knowledge", {}),
            (
                now - 2 * day + 20,
                '/ask_tasks{"role": "secretaresse"}',
                "ask_tasks",
                "action_answer_role",
                {"display": "Taken van een secretaresse"},
            ),
        ],
    )
    save(
        store,
        "tweede",
        [
            (now - 60, "hoi", "greet", "utter_greet", {}),
            (now - 50, "sdfsdf", "nlu_fallback", "action_not_in_knowledge", {}),
        ],
    )
    save(
        store,
        "oud",
        [(now - 40 * day, "wat doet een secretaresse", "ask_definition", "action_answer_role", {})],
    )
