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

And four speedups, each switched like the changes to Rasa (`rasa_changes.switched_on`: off with
RASA_SPEEDUPS=0, when RASA_CHANGES_OFF names it, or when the installed Rasa is not the version
the SQL below mirrors), so that `make bench` measures the stock store:

- **sqlite-write-ahead-log** (SQLite only): the store's connections use WAL and
  synchronous=NORMAL, so a commit waits for no fsync (kill -9 loses nothing; a power cut can
  lose the last turns).
- **sqlite-connection-pool** (SQLite only): SQLAlchemy 1.4 opens the file anew for every
  session (NullPool, ~1 ms, four times a message); the store keeps its connections open in a
  pool, as SQLAlchemy 2.0 does for SQLite files (a connection moves between threads only
  through the pool).
- **sql-tracker-store-without-orm**: Rasa 3.6.21's statements, in SQLAlchemy Core instead of
  ORM objects (building them and flushing them one by one cost more than the SQL): the `data`
  column read as text, a turn's new events written in one executemany. A tracker read or saved
  here remembers how many of its events are stored, so a save need not count them again.
- **tracker-cache**: each worker keeps the conversations it saved last and reuses one while the
  store's stamp is unchanged (bot/runtime/tracker_cache.py); a tracker handed out by the store
  carries `derived_memo`, which the registry's memo changes use.

PostgreSQL (endpoints.scale.yml) gets the last two. tests/bot/runtime/test_tracker_store.py compares what
this store writes and reads with what stock Rasa's SQLTrackerStore does, in one process.
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import json
import logging
import os
from typing import Any, Dict, Iterable, Iterator, List, Optional, Tuple

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.runtime.rasa_changes import switched_on
from bot.runtime.tracker_cache import TrackerCache

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
    start = next(
        (
            i
            for i, e in enumerate(events)
            if e.get("event") == "slot"
            and e.get("name") == "intake_id"
            and e.get("value") == removal.get("intake_id")
        ),
        None,
    )
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
            widget = {
                k: v for k, v in ((event.get("metadata") or {}).get("widget") or {}).items() if k != "display"
            }  # a quick reply's title is the visitor's answer too
            if widget:
                metadata["widget"] = widget
            replaced[index] = dict(
                event,
                text=text,
                metadata=metadata,
                parse_data={
                    "text": text,
                    "intent": parse.get("intent") or {},
                    "entities": [],
                    "intent_ranking": [],
                },
            )
    return replaced


def write_ahead(connection: Any, _record: Any) -> None:
    """An SQLite connection of the store in WAL mode with synchronous=NORMAL."""
    cursor = connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def as_row(sender_id: str, event: Event) -> Dict[str, Any]:
    """The row Rasa 3.6.21's SQLTrackerStore.save stores for an event."""
    data = event.as_dict()
    return {
        "sender_id": sender_id,
        "type_name": event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": data.get("parse_data", {}).get("intent", {}).get("name"),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }


class AssistantTrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store that also carries out a removal asked for in the turn it saves,
    with the speedups of the module's docstring."""

    engine: sa.engine.Engine  # (set by Rasa's __init__, and again here for SQLite)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Each Sanic worker creates the store, and with it the tables, at the same moment: on a
        # new SQLite file one of them failed ("table events already exists", logged as an
        # ERROR). One at a time, the others find the tables.
        with one_at_a_time(kwargs.get("dialect"), kwargs.get("db")):
            super().__init__(*args, **kwargs)
        self.speedups = [
            name
            for name in (
                "sqlite-write-ahead-log",
                "sqlite-connection-pool",
                "sql-tracker-store-without-orm",
                "tracker-cache",
            )
            if switched_on(name) and (self.engine.dialect.name == "sqlite" or not name.startswith("sqlite"))
        ]
        self._open_sqlite_as_configured()
        self.tracker_cache = TrackerCache() if "tracker-cache" in self.speedups else None
        table = self.SQLEvent.__table__
        self._stamp_query = sa.select(sa.func.count(), sa.func.max(table.c.id)).where(
            table.c.sender_id == sa.bindparam("sender_id")
        )

    def _open_sqlite_as_configured(self) -> None:
        """A new engine for the SQLite file, with the pool and WAL when they are on (Rasa's own
        engine, which created the tables, is closed)."""
        from sqlalchemy.orm import sessionmaker
        from sqlalchemy.pool import QueuePool

        pool, wal = "sqlite-connection-pool" in self.speedups, "sqlite-write-ahead-log" in self.speedups
        if not (pool or wal):
            return
        url = self.engine.url
        self.engine.dispose()
        options: Dict[str, Any] = {}
        if pool and url.database not in (None, "", ":memory:"):
            options = {"poolclass": QueuePool, "connect_args": {"check_same_thread": False}}
        self.engine = sa.create_engine(url, **options)
        if wal:
            sa.event.listen(self.engine, "connect", write_ahead)
        self.sessionmaker = sessionmaker(bind=self.engine)

    # ---- reading ----------------------------------------------------------------------------

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        tracker = None
        if self.tracker_cache is not None:
            tracker = self.tracker_cache.take(sender_id, self._stamp(sender_id))
        if tracker is None:
            tracker = await self._read(sender_id, all_sessions=False)
        if tracker is not None and self.tracker_cache is not None and not hasattr(tracker, "derived_memo"):
            tracker.derived_memo = {}  # see bot/runtime/tracker_cache.py
        if tracker is not None and tripped_breaker(tracker):
            logger.warning("Gesprek %s stond stil na de circuit breaker; het luistert weer.", sender_id)
            tracker.update(ActionExecuted(ACTION_LISTEN_NAME))  # saved with the next turn
        return tracker

    async def retrieve_full_tracker(self, conversation_id: str) -> Optional[DialogueStateTracker]:
        return await self._read(conversation_id, all_sessions=True)

    async def _read(self, sender_id: str, all_sessions: bool) -> Optional[DialogueStateTracker]:
        if "sql-tracker-store-without-orm" not in self.speedups:
            return await super()._retrieve(sender_id, all_sessions)  # Rasa's own
        table = self.SQLEvent.__table__
        query = self._of_session(sa.select(table.c.data), sender_id, all_sessions)
        with self.session_scope() as session:
            rows = session.execute(query.order_by(table.c.id)).scalars().all()
        if not (self.domain and rows):
            return None
        events = [json.loads(row) for row in rows]
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        if not all_sessions:
            tracker.stored_events = len(rows)  # what `save` need not count again
        return tracker

    def _of_session(self, query: Any, sender_id: str, all_sessions: bool) -> Any:
        """Rasa 3.6.21's filter (SQLTrackerStore._event_query): the events since the latest
        SessionStarted (all events if none)."""
        table = self.SQLEvent.__table__
        query = query.where(table.c.sender_id == sender_id)
        if all_sessions:
            return query
        start = (
            sa.select(sa.func.max(table.c.timestamp))
            .where(table.c.sender_id == sender_id, table.c.type_name == SessionStarted.type_name)
            .scalar_subquery()
        )
        return query.where(sa.or_(table.c.timestamp >= start, start.is_(None)))

    def _stamp(self, sender_id: str) -> Tuple[int, Optional[int]]:
        """The conversation's row count and last row id: what a kept tracker must match."""
        with self.engine.connect() as connection:  # a read: no ORM session needed
            count, last = connection.execute(self._stamp_query, {"sender_id": sender_id}).one()
        return count, last

    # ---- saving -----------------------------------------------------------------------------

    async def save(self, tracker: DialogueStateTracker) -> None:
        removal = marker_of(self._this_turn(tracker))
        if removal:
            for index, data in redacted([e.as_dict() for e in tracker.events], removal).items():
                tracker.events[index] = Event.from_parameters(data)
            if hasattr(tracker, "derived_memo"):
                tracker.derived_memo = {}  # computed again from the events as they are now
        if "sql-tracker-store-without-orm" in self.speedups:
            await self._write(tracker)
        else:
            await super().save(tracker)  # Rasa's own
        if removal:
            self._redact_stored(tracker.sender_id, removal)  # (rows changed, not added: same stamp)
        if self.tracker_cache is not None:
            self.tracker_cache.put(tracker.sender_id, self._stamp(tracker.sender_id), tracker)

    async def _write(self, tracker: DialogueStateTracker) -> None:
        """Rasa 3.6.21's SQLTrackerStore.save: the events not stored yet, in one executemany."""
        await self.stream_events(tracker)
        table = self.SQLEvent.__table__
        stored = getattr(tracker, "stored_events", None)  # set when read or saved here
        with self.session_scope() as session:
            if stored is None or tracker._max_event_history is not None:
                everything = sa.select(sa.func.count()).select_from(table)
                count = self._of_session(everything, tracker.sender_id, False)
                stored = session.execute(count).scalar()
            new = itertools.islice(tracker.events, stored, None)
            rows = [as_row(tracker.sender_id, event) for event in new]
            if rows:
                session.execute(table.insert(), rows)
            session.commit()
        tracker.stored_events = len(tracker.events)

    @staticmethod
    def _this_turn(tracker: DialogueStateTracker) -> List[Event]:
        turn: List[Event] = []
        for event in reversed(tracker.events):
            if isinstance(event, UserUttered):
                break
            turn.append(event)
        return turn

    def _redact_stored(self, sender_id: str, removal: Dict[str, Any]) -> None:
        table = self.SQLEvent.__table__
        with self.engine.begin() as connection:
            rows = connection.execute(
                sa.select(table.c.id, table.c.data).where(table.c.sender_id == sender_id).order_by(table.c.id)
            ).fetchall()
            replaced = redacted([json.loads(data) for _, data in rows], removal)
            if replaced:
                connection.execute(
                    table.update()
                    .where(table.c.id == sa.bindparam("row_id"))
                    .values(data=sa.bindparam("new_data")),
                    [{"row_id": rows[i][0], "new_data": json.dumps(data)} for i, data in replaced.items()],
                )
