"""The log of questions the assistant could not answer from its knowledge.

Every fallback is written to SQLite (`var/unanswered.db`, or UNANSWERED_DB), one row per
question, so the content owner can see what visitors miss: `python -m bot report`.
"""
from __future__ import annotations

import os
import re
import sqlite3
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path
from typing import List, Optional, Tuple

from actions.knowledge import fold

DEFAULT_DB = Path(__file__).resolve().parent.parent / "var" / "unanswered.db"
SCHEMA = """
CREATE TABLE IF NOT EXISTS unanswered (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    asked_at TEXT NOT NULL,       -- UTC, ISO 8601
    sender TEXT NOT NULL,
    question TEXT NOT NULL,
    intent TEXT,                  -- what the NLU thought, with its confidence
    confidence REAL,
    tried TEXT NOT NULL,          -- what the bot tried before giving up (or how it answered)
    outcome TEXT NOT NULL         -- 'niet in kennis', 'herformuleren' or 'zoekantwoord'
);
"""


def db_path() -> Path:
    return Path(os.environ.get("UNANSWERED_DB") or DEFAULT_DB)


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=10)
    connection.execute(SCHEMA)
    return connection


def record(sender: str, question: str, intent: Optional[str], confidence: Optional[float],
           tried: str, outcome: str, path: Optional[Path] = None) -> None:
    with closing(_connect(path or db_path())) as connection, connection:
        connection.execute(
            "INSERT INTO unanswered (asked_at, sender, question, intent, confidence, tried, outcome)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (datetime.now(timezone.utc).isoformat(timespec="seconds"), sender, question[:1000],
             intent, confidence, tried, outcome))


def most_frequent(path: Optional[Path] = None) -> List[Tuple[int, str, str, str]]:
    """(count, question, last asked, last outcome) per unanswered question, most frequent
    first (questions the search could answer are left out).
    Questions that differ only in case, accents, punctuation or spacing count as one."""
    path = path or db_path()
    if not path.exists():
        return []
    with closing(_connect(path)) as connection:
        rows = connection.execute(
            "SELECT question, asked_at, outcome FROM unanswered"
            " WHERE outcome != 'zoekantwoord' ORDER BY asked_at").fetchall()
    groups = {}
    for question, asked_at, outcome in rows:
        key = " ".join(re.findall(r"\w+", fold(question)))
        count, _, _, _ = groups.get(key, (0, "", "", ""))
        groups[key] = (count + 1, question, asked_at, outcome)
    return sorted(groups.values(), key=lambda g: (-g[0], g[1]))


def report(path: Optional[Path] = None) -> str:
    rows = most_frequent(path)
    if not rows:
        return "Nog geen onbeantwoorde vragen."
    lines = [f"{'aantal':>6}  {'laatst gesteld':<25}  {'uitkomst':<16}  vraag"]
    for count, question, asked_at, outcome in rows:
        lines.append(f"{count:>6}  {asked_at:<25}  {outcome:<16}  {question}")
    return "\n".join(lines)


# ---- retention and erasure (bot/retention.py) ------------------------------------------------

def purge(cutoff: str, dry_run: bool = False, path: Optional[Path] = None) -> int:
    """Remove the questions asked before `cutoff` (ISO UTC); returns how many."""
    return _delete("asked_at < ?", [cutoff], dry_run, path)


def forget(senders: List[str], patterns: List[str], dry_run: bool = False,
           path: Optional[Path] = None) -> int:
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
