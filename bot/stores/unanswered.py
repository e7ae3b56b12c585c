"""The log of questions the assistant could not answer from its knowledge.

Every fallback is written to SQLite (`var/unanswered.db`, or UNANSWERED_DB), one row per
question, so the content owner can see what visitors miss: `python -m bot report`, and the
admin page (bot/office/admin.py), where a group of questions is marked handled, "toegevoegd aan de
kennis" (with a note) or hidden as junk. Questions whose words are nearly the same count as one
(`group`); a question asked again in the very words of a hidden one stays hidden.
"""

from __future__ import annotations

import os
import re
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime, timezone
from difflib import SequenceMatcher
from pathlib import Path
from typing import Iterable, List, Optional, Tuple

from actions.knowledge import fold
from actions.language import FUNCTION_WORDS
from bot.stores.schema import migrate

DEFAULT_DB = Path(__file__).resolve().parents[2] / "var" / "unanswered.db"
SCHEMA_VERSION = 2
SCHEMA = """
CREATE TABLE IF NOT EXISTS unanswered (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    asked_at TEXT NOT NULL,       -- UTC, ISO 8601
    sender TEXT NOT NULL,
    question TEXT NOT NULL,
    intent TEXT,                  -- what the NLU thought, with its confidence
    confidence REAL,
    tried TEXT NOT NULL,          -- what the bot tried before giving up (or how it answered)
    outcome TEXT NOT NULL,        -- 'niet in kennis', 'herformuleren' or 'zoekantwoord'
    status TEXT NOT NULL DEFAULT 'open',  -- a key of STATUSES
    handled_at TEXT,              -- when and by which admin account it was marked
    handled_by TEXT,
    note TEXT                     -- the staff's note, e.g. what was added to the knowledge
)
"""
STATUSES = {
    "open": "open",
    "handled": "afgehandeld",
    "added": "toegevoegd aan de kennis",
    "junk": "verborgen als onzin",
}
# The admin page's views: which statuses each one lists.
VIEWS = {"open": ("open",), "done": ("handled", "added"), "junk": ("junk",)}
NOTE_LENGTH = 500


def db_path() -> Path:
    return Path(os.environ.get("UNANSWERED_DB") or DEFAULT_DB)


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=10)
    migrate(connection, path, SCHEMA_VERSION, _upgrade)
    return connection


def _upgrade(connection: sqlite3.Connection, _version: int) -> None:
    connection.execute(SCHEMA)
    columns = {row[1] for row in connection.execute("PRAGMA table_info(unanswered)")}
    if "status" not in columns:  # version 0: a log from before the admin page
        connection.execute("ALTER TABLE unanswered ADD COLUMN status TEXT NOT NULL DEFAULT 'open'")
        connection.execute("ALTER TABLE unanswered ADD COLUMN handled_at TEXT")
        connection.execute("ALTER TABLE unanswered ADD COLUMN handled_by TEXT")
    if "note" not in columns:  # version 1: no notes, nothing hidden
        connection.execute("ALTER TABLE unanswered ADD COLUMN note TEXT")


def record(
    sender: str,
    question: str,
    intent: Optional[str],
    confidence: Optional[float],
    tried: str,
    outcome: str,
    path: Optional[Path] = None,
) -> None:
    with closing(_connect(path or db_path())) as connection, connection:
        # the same words as a question the staff hid as junk: hidden too, so that spam stays away
        hidden = {
            " ".join(words(q))
            for (q,) in connection.execute("SELECT DISTINCT question FROM unanswered WHERE status = 'junk'")
        }
        junk = " ".join(words(question[:1000])) in hidden
        connection.execute(
            "INSERT INTO unanswered (asked_at, sender, question, intent, confidence, tried, outcome, status)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                datetime.now(timezone.utc).isoformat(timespec="seconds"),
                sender,
                question[:1000],
                intent,
                confidence,
                tried,
                outcome,
                "junk" if junk else "open",
            ),
        )


@dataclass
class Group:
    """Questions whose words are nearly the same, with what the admin page shows of them."""

    question: str  # the most frequent wording (as asked last)
    ids: List[int] = field(default_factory=list)
    senders: List[Tuple[str, str]] = field(default_factory=list)  # (conversation, last asked there)
    wordings: List[str] = field(default_factory=list)
    first_asked: str = ""
    last_asked: str = ""
    outcome: str = ""
    status: str = "open"
    handled_at: Optional[str] = None
    handled_by: Optional[str] = None
    note: Optional[str] = None

    @property
    def count(self) -> int:
        return len(self.ids)


def words(question: str) -> List[str]:
    return re.findall(r"\w+", fold(question))


def content_words(question: str) -> set:
    found = words(question)
    return {w for w in found if w not in FUNCTION_WORDS} or set(found)


def nearly_the_same(a: set, b: set) -> bool:
    """True when at least 4 in 5 of the content words match, a word with a typo (same first
    letter, 80 % of the letters) counting as a match."""

    def found(word: str, others: set) -> bool:
        return word in others or (
            len(word) >= 5
            and any(
                other[:1] == word[:1] and SequenceMatcher(None, word, other).ratio() >= 0.8
                for other in others
            )
        )

    matched = sum(found(word, b) for word in a)
    return matched >= 0.8 * max(len(a), len(b))


def group(rows: Iterable[Tuple]) -> List[Group]:
    """(id, asked_at, sender, question, outcome, status, handled_at, handled_by, note) rows, oldest
    first, as groups, most frequent first. Questions that differ only in case, accents,
    punctuation or spacing are one group; so are questions with nearly the same words."""
    exact: dict = {}
    for row in rows:
        exact.setdefault(" ".join(words(row[3])), []).append(row)
    groups: List[Tuple[set, Group]] = []
    for members in sorted(exact.values(), key=lambda m: (-len(m), m[-1][3])):
        key = content_words(members[0][3])
        target = next((g for k, g in groups if nearly_the_same(key, k)), None)
        if target is None:
            target = Group(question=members[-1][3])
            groups.append((key, target))
        target.wordings.append(members[-1][3])
        target.ids += [row[0] for row in members]
        for _, asked_at, sender, _question, outcome, status, handled_at, handled_by, note in members:
            if asked_at >= target.last_asked:
                target.last_asked, target.outcome = asked_at, outcome
                target.status, target.handled_at, target.handled_by = status, handled_at, handled_by
                target.note = note
            target.first_asked = min(target.first_asked or asked_at, asked_at)
            seen = dict(target.senders)
            seen[sender] = max(seen.get(sender, ""), asked_at)
            target.senders = sorted(seen.items(), key=lambda s: s[1], reverse=True)
    return sorted((g for _, g in groups), key=lambda g: (-g.count, g.question))


def groups(view: str = "open", path: Optional[Path] = None) -> List[Group]:
    """The groups of questions in this view (see VIEWS: "open", "done": handled or added to the
    knowledge, "junk": hidden), most frequent first; questions the search could answer are left out."""
    path = path or db_path()
    if not path.exists():
        return []
    statuses = VIEWS[view]
    with closing(_connect(path)) as connection:
        rows = connection.execute(
            "SELECT id, asked_at, sender, question, outcome, status, handled_at, handled_by, note FROM unanswered"
            f" WHERE outcome != 'zoekantwoord' AND status IN ({', '.join('?' for _ in statuses)})"
            " ORDER BY asked_at, id",
            statuses,
        ).fetchall()
    return group(rows)


def mark(ids: List[int], status: str, by: str, path: Optional[Path] = None, note: str = "") -> int:
    """Give these questions a status (see STATUSES), marked by admin account `by`, with an
    optional note (at most NOTE_LENGTH characters)."""
    if status not in STATUSES:
        raise ValueError(f"onbekende status {status!r}")
    if not ids:
        return 0
    done = status != "open"
    with closing(_connect(path or db_path())) as connection, connection:
        return connection.execute(
            f"UPDATE unanswered SET status = ?, handled_at = ?, handled_by = ?, note = ? WHERE id IN "
            f"({', '.join('?' for _ in ids)})",
            [
                status,
                datetime.now(timezone.utc).isoformat(timespec="seconds") if done else None,
                by if done else None,
                (note.strip()[:NOTE_LENGTH] or None) if done else None,
                *ids,
            ],
        ).rowcount


def most_frequent(path: Optional[Path] = None) -> List[Tuple[int, str, str, str]]:
    """(count, question, last asked, last outcome) per group of open unanswered questions,
    most frequent first (see `groups`)."""
    return [(g.count, g.question, g.last_asked, g.outcome) for g in groups("open", path)]


def report(path: Optional[Path] = None) -> str:
    rows = most_frequent(path)
    if not rows:
        return "Nog geen onbeantwoorde vragen."
    lines = [f"{'aantal':>6}  {'laatst gesteld':<25}  {'uitkomst':<16}  vraag"]
    for count, question, asked_at, outcome in rows:
        lines.append(f"{count:>6}  {asked_at:<25}  {outcome:<16}  {question}")
    return "\n".join(lines)


# ---- retention and erasure (bot/office/retention.py) ------------------------------------------------


def purge(cutoff: str, dry_run: bool = False, path: Optional[Path] = None) -> int:
    """Remove the questions asked before `cutoff` (ISO UTC); returns how many."""
    return _delete("asked_at < ?", [cutoff], dry_run, path)


def forget(
    senders: List[str], patterns: List[str], dry_run: bool = False, path: Optional[Path] = None
) -> int:
    """Remove the questions of these conversations, and those that contain one of the LIKE
    `patterns` (an e-mail address or phone number typed as a question)."""
    where = [f"sender IN ({', '.join('?' for _ in senders)})"] if senders else []
    where += ["lower(question) LIKE ? ESCAPE '\\'" for _ in patterns]
    return _delete(" OR ".join(where), list(senders) + list(patterns), dry_run, path) if where else 0


def _delete(where: str, params: list, dry_run: bool, path: Optional[Path]) -> int:
    path = path or db_path()
    if not path.exists():
        return 0
    with closing(_connect(path)) as connection, connection:
        if dry_run:
            return connection.execute(f"SELECT count(*) FROM unanswered WHERE {where}", params).fetchone()[0]
        return connection.execute(f"DELETE FROM unanswered WHERE {where}", params).rowcount
