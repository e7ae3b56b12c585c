"""The live handoff: when a person of 2ASSISTU can take over a chat, and the state of each
conversation handed over, in one SQLite file (HANDOFF_DB, default var/handoff.db).

Both servers use it: the action server asks `available()` when a visitor asks for a person
(actions/handoff.py) and marks the conversation as waiting (`ask`); the Rasa server's widget
channel (bot/runtime/channel.py) reads `state()` before it lets the assistant answer, and hands the
visitor the staff's answers (`pushed_since`); the admin page (bot/office/admin.py) lists the waiting
conversations, stores the staff's "beschikbaar" switch and sends their answers (`push`).

**Available** = within office hours and at least one staff member switched on ("beschikbaar")
whose admin page was open in the last STAFF_SEEN_MINUTES (the page asks every few seconds).
Office hours are the contact details' `hours` in the knowledge file ("maandag tot en met
vrijdag van 9.00 tot 17.00 uur", what visitors read), read as times; OFFICE_HOURS overrides
them in the same words ("ma t/m vr 9.00-17.00; za 10.00-12.00", "altijd", "gesloten").
Times are Dutch time.

A conversation that nobody answered within HANDOFF_WAIT_MINUTES (default 5) stops waiting
(`expire`): the assistant answers again and says so, with the offer of a callback; for the rest
of the day that visitor is offered a callback instead of another wait (`missed`).

The texts pushed to the widget are also in the conversation (the tracker store); here they
are kept one day only, long enough for the widget to fetch them.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional, Tuple

from bot.stores.leads import LOCAL

logger = logging.getLogger(__name__)

PROJECT = Path(__file__).resolve().parents[2]
DEFAULT_DB = PROJECT / "var" / "handoff.db"
KNOWLEDGE_FILE = PROJECT / "knowledge" / "knowledge.yml"
STAFF_SEEN_MINUTES = 15
WAIT_MINUTES = 5
KEEP_SECONDS = 24 * 3600
WAITING, ACTIVE, MISSED = "wacht", "actief", "gemist"  # a handoff's states; ended ones are removed
SCHEMA_VERSION = 2
SCHEMA = """
CREATE TABLE IF NOT EXISTS handoffs (
    sender TEXT PRIMARY KEY,           -- the conversation (tracker sender id)
    state TEXT NOT NULL,               -- 'wacht' (nobody answered yet), 'actief', or 'gemist' (nobody
                                       -- answered in time: the assistant answers again)
    asked_at REAL NOT NULL,            -- unix time
    taken_by TEXT,                     -- the admin account that answered first
    last_visitor_at REAL NOT NULL,     -- the visitor's last message
    last_staff_at REAL                 -- the staff's last answer
);
CREATE TABLE IF NOT EXISTS pushed (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sender TEXT NOT NULL,
    at REAL NOT NULL,
    staff TEXT,                        -- the staff member's first name, NULL for the assistant
    text TEXT NOT NULL,
    buttons TEXT                       -- quick replies, JSON [{title, payload}], or NULL
);
CREATE INDEX IF NOT EXISTS pushed_sender ON pushed (sender, id);
CREATE TABLE IF NOT EXISTS staff (
    name TEXT PRIMARY KEY,             -- the admin account
    available INTEGER NOT NULL DEFAULT 0,
    seen_at REAL NOT NULL DEFAULT 0
)
"""

# ---- office hours ------------------------------------------------------------------------------

DAYS = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]
DAY = re.compile(r"\b(" + "|".join(DAYS) + r"|ma|di|wo|do|vr|za|zo)\b")
TIMES = re.compile(r"(\d{1,2})(?:[.:](\d{2}))?\s*(?:uur\s*)?(?:tot|-|–)\s*(\d{1,2})(?:[.:](\d{2}))?")


@dataclass(frozen=True)
class Period:
    days: FrozenSet[int]  # 0 = Monday
    start: int  # minutes after midnight
    end: int


def parse_hours(text: str) -> List[Period]:
    """Office hours in Dutch words: 'maandag tot en met vrijdag van 9.00 tot 17.00 uur',
    'ma-vr 09:00-17:00; za 10.00-12.00', 'elke dag 0.00-24.00', 'altijd', 'gesloten'.
    Raises ValueError for text without days and times."""
    periods = []
    for part in re.split(r"[;\n]", (text or "").lower()):
        part = part.strip()
        if not part or part in ("gesloten", "nooit"):
            continue
        if part == "altijd":
            periods.append(Period(frozenset(range(7)), 0, 24 * 60))
            continue
        times = TIMES.search(part)
        if not times:
            raise ValueError(f"geen tijden in {part!r} (bijvoorbeeld: van 9.00 tot 17.00 uur)")
        start = int(times.group(1)) * 60 + int(times.group(2) or 0)
        end = int(times.group(3)) * 60 + int(times.group(4) or 0)
        if not 0 <= start < end <= 24 * 60:
            raise ValueError(f"de tijden in {part!r} kloppen niet")
        periods.append(Period(_days(part[: times.start()]), start, end))
    if not periods and not re.search(r"\b(gesloten|nooit)\b", (text or "").lower()):
        raise ValueError("geen kantoortijden gevonden")
    return periods


def _days(text: str) -> FrozenSet[int]:
    if re.search(r"\b(elke dag|dagelijks|alle dagen)\b", text):
        return frozenset(range(7))
    found = [(m.start(), m.end(), m.group(1)[:2]) for m in DAY.finditer(text)]
    if not found:
        raise ValueError(f"geen dagen in {text.strip()!r} (bijvoorbeeld: maandag tot en met vrijdag)")
    index = [day[:2] for day in DAYS]
    days = set()
    for i, (_, end, name) in enumerate(found):
        days.add(index.index(name))
        if i + 1 < len(found) and re.search(r"tot|t/m|-|–", text[end : found[i + 1][0]]):
            first, last = index.index(name), index.index(found[i + 1][2])
            days.update(
                range(first, last + 1) if first <= last else list(range(first, 7)) + list(range(last + 1))
            )
    return frozenset(days)


def contact_hours(path: Path = KNOWLEDGE_FILE) -> str:
    """The hours visitors read in the contact answer (agency.contact_details.hours), read once
    per version of the file: the admin page asks at every load. (The action server has them in
    actions.loaded.KNOWLEDGE; the Rasa server's admin pages do not load the whole file.)"""
    return _contact_hours(str(path), path.stat().st_mtime)


@lru_cache(maxsize=4)
def _contact_hours(path: str, modified: float) -> str:
    import yaml

    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    return str(((data.get("agency") or {}).get("contact_details") or {}).get("hours") or "")


def office_hours(env=None) -> List[Period]:
    """OFFICE_HOURS, else the contact details' hours; unreadable: Monday to Friday 9-17 (logged)."""
    env = os.environ if env is None else env
    text = (env.get("OFFICE_HOURS") or "").strip()
    if not text:
        knowledge = env.get("KNOWLEDGE_FILE")
        text = contact_hours(Path(knowledge) if knowledge else KNOWLEDGE_FILE)
    try:
        return parse_hours(text)
    except ValueError as error:
        logger.warning(
            "Kantoortijden onleesbaar (%s): %s; maandag tot en met vrijdag 9.00-17.00", text, error
        )
        return [Period(frozenset(range(5)), 9 * 60, 17 * 60)]


def within(periods: List[Period], now: Optional[datetime] = None) -> bool:
    moment = (now or datetime.now(LOCAL)).astimezone(LOCAL)
    minutes = moment.hour * 60 + moment.minute
    return any(moment.weekday() in p.days and p.start <= minutes < p.end for p in periods)


# ---- the store ---------------------------------------------------------------------------------


def db_path() -> Path:
    return Path(os.environ.get("HANDOFF_DB") or DEFAULT_DB)


def connect(path: Optional[Path] = None) -> sqlite3.Connection:
    path = path or db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=30)
    if connection.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
        with connection:
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    connection.execute(statement)
            if "buttons" not in {row[1] for row in connection.execute("PRAGMA table_info(pushed)")}:
                connection.execute("ALTER TABLE pushed ADD COLUMN buttons TEXT")  # (schema 1: none)
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return connection


def first_name(account: str) -> str:
    """The name the visitor sees: 'anna' and 'anna.de.vries' -> 'Anna'."""
    part = re.split(r"[._@\-\s]", account.strip())[0] or account
    return part[:1].upper() + part[1:]


def set_available(name: str, on: bool, now: Optional[float] = None, path: Optional[Path] = None) -> None:
    now = time.time() if now is None else now
    with closing(connect(path)) as connection, connection:
        connection.execute(
            "INSERT INTO staff (name, available, seen_at) VALUES (?, ?, ?) ON CONFLICT (name) "
            "DO UPDATE SET available = excluded.available, seen_at = excluded.seen_at",
            (name, int(on), now),
        )


def seen(name: str, now: Optional[float] = None, path: Optional[Path] = None) -> bool:
    """The staff member's admin page is open; returns whether she is switched on."""
    now = time.time() if now is None else now
    with closing(connect(path)) as connection, connection:
        connection.execute("UPDATE staff SET seen_at = ? WHERE name = ?", (now, name))
        row = connection.execute("SELECT available FROM staff WHERE name = ?", (name,)).fetchone()
    return bool(row and row[0])


def staff_available(now: Optional[float] = None, path: Optional[Path] = None) -> List[str]:
    """The staff members switched on whose admin page was open lately."""
    now = time.time() if now is None else now
    with closing(connect(path)) as connection:
        return [
            name
            for (name,) in connection.execute(
                "SELECT name FROM staff WHERE available = 1 AND seen_at >= ? ORDER BY name",
                (now - STAFF_SEEN_MINUTES * 60,),
            )
        ]


def available(now: Optional[datetime] = None, env=None, path: Optional[Path] = None) -> bool:
    """A person can take over now: within office hours and someone switched on."""
    moment = now or datetime.now(LOCAL)
    return within(office_hours(env), moment) and bool(staff_available(moment.timestamp(), path))


def wait_seconds(env=None) -> float:
    value = ((os.environ if env is None else env).get("HANDOFF_WAIT_MINUTES") or "").strip()
    try:
        return max(0.1, float(value)) * 60 if value else WAIT_MINUTES * 60
    except ValueError:
        logger.warning("HANDOFF_WAIT_MINUTES=%r is geen getal; %d minuten", value, WAIT_MINUTES)
        return WAIT_MINUTES * 60


def ask(sender: str, now: Optional[float] = None, path: Optional[Path] = None) -> None:
    """The visitor asked for a person: the conversation waits for one."""
    now = time.time() if now is None else now
    with closing(connect(path)) as connection, connection:
        connection.execute(
            "INSERT INTO handoffs (sender, state, asked_at, last_visitor_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (sender) DO UPDATE SET state = excluded.state, asked_at = excluded.asked_at, "
            "last_visitor_at = excluded.last_visitor_at, taken_by = NULL, last_staff_at = NULL",
            (sender, WAITING, now, now),
        )
        connection.execute("DELETE FROM pushed WHERE at < ?", (now - KEEP_SECONDS,))
        connection.execute(
            "DELETE FROM handoffs WHERE state = ? AND asked_at < ?", (MISSED, now - KEEP_SECONDS)
        )


def state(sender: str, path: Optional[Path] = None) -> Optional[str]:
    """'wacht' or 'actief' while a person has the conversation, else None."""
    path = path or db_path()
    if not path.exists():
        return None
    with closing(connect(path)) as connection:
        row = connection.execute("SELECT state FROM handoffs WHERE sender = ?", (sender,)).fetchone()
    return row[0] if row and row[0] in (WAITING, ACTIVE) else None


def expire(sender: str, now: Optional[float] = None, env=None, path: Optional[Path] = None) -> bool:
    """True (once) when this conversation waited longer than HANDOFF_WAIT_MINUTES without any
    answer: it no longer waits, and the assistant answers again."""
    path = path or db_path()
    if not path.exists():
        return False
    now = time.time() if now is None else now
    where = "sender = ? AND state = ? AND taken_by IS NULL AND asked_at < ?"
    values = (sender, WAITING, now - wait_seconds(env))
    with closing(connect(path)) as connection, connection:
        if not connection.execute(f"SELECT 1 FROM handoffs WHERE {where}", values).fetchone():
            return False  # (asked every second by the widget: a read, no write)
        return bool(
            connection.execute(f"UPDATE handoffs SET state = ? WHERE {where}", (MISSED, *values)).rowcount
        )


def missed(sender: str, path: Optional[Path] = None) -> bool:
    """Nobody answered this visitor in time today: offer a callback rather than another wait."""
    path = path or db_path()
    if not path.exists():
        return False
    with closing(connect(path)) as connection:
        row = connection.execute(
            "SELECT state, asked_at FROM handoffs WHERE sender = ?", (sender,)
        ).fetchone()
    return bool(row and row[0] == MISSED and row[1] > time.time() - KEEP_SECONDS)


def visitor_wrote(sender: str, now: Optional[float] = None, path: Optional[Path] = None) -> None:
    now = time.time() if now is None else now
    with closing(connect(path)) as connection, connection:
        connection.execute("UPDATE handoffs SET last_visitor_at = ? WHERE sender = ?", (now, sender))


def push(
    sender: str,
    text: str,
    staff: Optional[str],
    account: Optional[str] = None,
    now: Optional[float] = None,
    path: Optional[Path] = None,
    buttons: Optional[List[Dict]] = None,
) -> int:
    """A message for the visitor's widget: a staff member's answer (`staff` her first name,
    `account` her admin account, who then has the conversation), or the assistant's (None)."""
    now = time.time() if now is None else now
    with closing(connect(path)) as connection, connection:
        if staff:
            connection.execute(
                "UPDATE handoffs SET state = ?, taken_by = coalesce(taken_by, ?), last_staff_at = ? "
                "WHERE sender = ? AND state IN (?, ?)",
                (ACTIVE, account or staff, now, sender, WAITING, ACTIVE),
            )
        connection.execute("DELETE FROM pushed WHERE at < ?", (now - KEEP_SECONDS,))  # fetched long ago
        return (
            connection.execute(
                "INSERT INTO pushed (sender, at, staff, text, buttons) VALUES (?, ?, ?, ?, ?)",
                (sender, now, staff, text, json.dumps(buttons) if buttons else None),
            ).lastrowid
            or 0
        )


def hand_back(sender: str, path: Optional[Path] = None) -> bool:
    """The assistant answers again; False when no person had the conversation."""
    with closing(connect(path)) as connection, connection:
        return bool(connection.execute("DELETE FROM handoffs WHERE sender = ?", (sender,)).rowcount)


def last_pushed(sender: str, path: Optional[Path] = None) -> int:
    path = path or db_path()
    if not path.exists():
        return 0
    with closing(connect(path)) as connection:
        return connection.execute(
            "SELECT coalesce(max(id), 0) FROM pushed WHERE sender = ?", (sender,)
        ).fetchone()[0]


def pushed_since(sender: str, after: int, path: Optional[Path] = None) -> List[Dict]:
    """The messages for this conversation's widget after number `after`, oldest first."""
    path = path or db_path()
    if not path.exists():
        return []
    with closing(connect(path)) as connection:
        return [
            {"id": i, "staff": staff, "text": text, "buttons": json.loads(buttons) if buttons else []}
            for i, staff, text, buttons in connection.execute(
                "SELECT id, staff, text, buttons FROM pushed WHERE sender = ? AND id > ? ORDER BY id",
                (sender, after),
            )
        ]


def purge(now: Optional[float] = None, path: Optional[Path] = None) -> int:
    """Answers fetched long ago and waits nobody answered, older than a day (bot/office/retention.py)."""
    path = path or db_path()
    if not path.exists():
        return 0
    now = time.time() if now is None else now
    with closing(connect(path)) as connection, connection:
        return (
            connection.execute("DELETE FROM pushed WHERE at < ?", (now - KEEP_SECONDS,)).rowcount
            + connection.execute(
                "DELETE FROM handoffs WHERE state = ? AND asked_at < ?", (MISSED, now - KEEP_SECONDS)
            ).rowcount
        )


def forget(senders: List[str], path: Optional[Path] = None) -> int:
    """Everything of these conversations (`python -m bot forget`)."""
    path = path or db_path()
    if not senders or not path.exists():
        return 0
    marks = ", ".join("?" for _ in senders)
    with closing(connect(path)) as connection, connection:
        return (
            connection.execute(f"DELETE FROM pushed WHERE sender IN ({marks})", senders).rowcount
            + connection.execute(f"DELETE FROM handoffs WHERE sender IN ({marks})", senders).rowcount
        )


@dataclass
class Waiting:
    sender: str
    state: str
    asked_at: float
    taken_by: Optional[str]
    last_visitor_at: float
    last_staff_at: Optional[float]

    @property
    def unanswered(self) -> bool:
        """The visitor wrote after the last answer (or nobody answered yet)."""
        return self.last_staff_at is None or self.last_visitor_at > self.last_staff_at


def waiting(path: Optional[Path] = None) -> List[Waiting]:
    """The conversations a person has, the longest waiting first."""
    path = path or db_path()
    if not path.exists():
        return []
    with closing(connect(path)) as connection:
        return [
            Waiting(*row)
            for row in connection.execute(
                "SELECT sender, state, asked_at, taken_by, last_visitor_at, last_staff_at FROM handoffs "
                "WHERE state IN (?, ?) ORDER BY asked_at",
                (WAITING, ACTIVE),
            )
        ]


def waiting_count(path: Optional[Path] = None) -> Tuple[int, float]:
    """(conversations whose visitor waits for an answer, the time of the newest message among them)."""
    open_ones = [w for w in waiting(path) if w.unanswered]
    return len(open_ones), max((w.last_visitor_at for w in open_ones), default=0.0)
