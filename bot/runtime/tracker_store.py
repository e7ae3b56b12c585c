"""The tracker store (endpoints.yml, endpoints.scale.yml): Rasa's SQLTrackerStore, subclassed
(Rasa's supported seam for a store of one's own), with three additions.

- **Personal data removed without consent.** The intake asks for a name, an organisation,
  contact details and a description before it asks for consent; those answers are in the
  conversation (the visitor's messages and the slots set from them) from the moment they are
  typed. When consent is declined or the intake stops early, the action (actions/intake.py)
  sets the slot `personal_data_removed` to what must go:

      {"intake_id": "...", "slots": ["organisation", "contact_name", ...], "reason": "geen toestemming"}

  and the store replaces, in the conversation of that intake, every message that answered one
  of those questions and every value set in one of those slots by a marker, "[verwijderd: geen
  toestemming]": in the conversation in memory before it is saved, and in the rows already
  stored, with the same SQL on SQLite and PostgreSQL.
- **A conversation stuck by Rasa's circuit breaker is freed.** The breaker stops a turn after
  ten actions without recording `action_listen`, and then trips again at every later message
  of that conversation. bot/components/turn_guard.py keeps new turns from getting there; a conversation
  stored in that state (before the guard existed) gets its `action_listen` when it is read.
- **Tables created one worker at a time** (SQLite), so that no worker logs an ERROR for a
  table that another one created a moment before.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
from typing import Any, Dict, Iterable, Iterator, List, Optional

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered

logger = logging.getLogger(__name__)

# Rasa's circuit breaker: rasa.core.processor reads the same variable with the same default
# (not imported from there: that module loads all of Rasa's policies).
MAX_NUMBER_OF_PREDICTIONS = int(os.environ.get("MAX_NUMBER_OF_PREDICTIONS", "10"))

MARKER_SLOT = "personal_data_removed"
MARKER = "[verwijderd: {reason}]"


@contextlib.contextmanager
def one_at_a_time(dialect: Optional[str], db: Optional[str]) -> Iterator[None]:
    """An exclusive lock on a file next to an SQLite database (nothing for other databases)."""
    if dialect != "sqlite" or not db:
        yield
        return
    with open(f"{db}.create-lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def tripped_breaker(tracker) -> bool:
    """True when the conversation's last turn ended in Rasa's circuit breaker: as many actions
    since the last listen as the breaker allows (rasa.core.processor counts them the same way)."""
    actions = 0
    for event in reversed(tracker.events):
        if isinstance(event, ActionExecuted):
            if event.action_name in (ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME):
                break
            actions += 1
    return actions >= MAX_NUMBER_OF_PREDICTIONS


def marker_of(events: Iterable[Event]) -> Optional[Dict[str, Any]]:
    """The removal asked for in these events (the turn being saved), if any."""
    for event in events:
        if isinstance(event, SlotSet) and event.key == MARKER_SLOT and isinstance(event.value, dict):
            return event.value
    return None


def redacted(events: List[Dict[str, Any]], removal: Dict[str, Any]) -> Dict[int, Dict[str, Any]]:
    """The events (as stored: dicts) to replace, by position, with their replacements: from the
    intake's start (the event that set its intake_id), each visitor message that answered a
    question in `removal["slots"]` and each value set in one of those slots."""
    slots = set(removal.get("slots") or ())
    text = MARKER.format(reason=removal.get("reason") or "geen toestemming")
    start = next((i for i, e in enumerate(events) if e.get("event") == "slot" and e.get("name") == "intake_id"
                  and e.get("value") == removal.get("intake_id")), None)
    if start is None or not slots:
        return {}
    replaced, asked = {}, None
    for index in range(start, len(events)):
        event = events[index]
        kind = event.get("event")
        if kind == "slot" and event.get("name") == "requested_slot":
            asked = event.get("value")
        elif kind == "slot" and event.get("name") in slots and event.get("value") not in (None, text):
            replaced[index] = dict(event, value=text)
        elif kind == "user" and asked in slots and event.get("text") != text:
            parse = event.get("parse_data") or {}
            metadata = {k: v for k, v in (event.get("metadata") or {}).items() if k != "widget"}
            widget = {k: v for k, v in ((event.get("metadata") or {}).get("widget") or {}).items()
                      if k != "display"}  # a quick reply's title is the visitor's answer too
            if widget:
                metadata["widget"] = widget
            replaced[index] = dict(event, text=text, metadata=metadata, parse_data={
                "text": text, "intent": parse.get("intent") or {}, "entities": [], "intent_ranking": []})
    return replaced


class AssistantTrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store that also carries out a removal asked for in the turn it saves."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Each Sanic worker creates the store, and with it the tables, at the same moment: on a
        # new SQLite file one of them failed ("table events already exists", logged as an
        # ERROR). One at a time, the others find the tables.
        with one_at_a_time(kwargs.get("dialect"), kwargs.get("db")):
            super().__init__(*args, **kwargs)

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool):
        tracker = await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        if tracker is not None and not fetch_events_from_all_sessions and tripped_breaker(tracker):
            logger.warning("Gesprek %s stond stil na de circuit breaker; het luistert weer.", sender_id)
            tracker.update(ActionExecuted(ACTION_LISTEN_NAME))  # saved with the next turn
        return tracker

    async def save(self, tracker) -> None:
        removal = marker_of(self._this_turn(tracker))
        if removal:
            for index, data in redacted([e.as_dict() for e in tracker.events], removal).items():
                tracker.events[index] = Event.from_parameters(data)
            if hasattr(tracker, "derived_memo"):
                tracker.derived_memo = {}  # computed again from the events as they are now
        await super().save(tracker)
        if removal:
            self._redact_stored(tracker.sender_id, removal)

    @staticmethod
    def _this_turn(tracker) -> List[Event]:
        turn: List[Event] = []
        for event in reversed(tracker.events):
            if isinstance(event, UserUttered):
                break
            turn.append(event)
        return turn

    def _redact_stored(self, sender_id: str, removal: Dict[str, Any]) -> None:
        import sqlalchemy as sa

        table = self.SQLEvent.__table__
        with self.engine.begin() as connection:
            rows = connection.execute(sa.select(table.c.id, table.c.data).where(
                table.c.sender_id == sender_id).order_by(table.c.id)).fetchall()
            replaced = redacted([json.loads(data) for _, data in rows], removal)
            if replaced:
                connection.execute(table.update().where(table.c.id == sa.bindparam("row_id")).values(
                    data=sa.bindparam("new_data")),
                    [{"row_id": rows[i][0], "new_data": json.dumps(data)} for i, data in replaced.items()])
