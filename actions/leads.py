"""Stored vacancy requests ("leads"): one SQLite table, written in one transaction.

The row is committed before the bot tells the employer it is stored, so a crash after that
message loses nothing and a crash before it leaves no half row. `python -m bot leads`
prints them as CSV.
"""
from __future__ import annotations

import csv
import io
import os
import sqlite3
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

DEFAULT_DB = Path(__file__).resolve().parent.parent / "var" / "leads.db"
SCHEMA_VERSION = 1
FIELDS = ["role", "contract", "hours", "start_date", "organisation", "contact_name", "email",
          "phone", "description"]
SCHEMA = """
CREATE TABLE IF NOT EXISTS vacancy_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,          -- UTC, ISO 8601
    intake_id TEXT NOT NULL UNIQUE,    -- one per intake: a retried action stores once
    sender TEXT NOT NULL,
    role TEXT NOT NULL,
    contract TEXT NOT NULL,
    hours INTEGER NOT NULL,
    start_date TEXT NOT NULL,
    organisation TEXT NOT NULL,
    contact_name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    description TEXT NOT NULL DEFAULT '',
    consent_at TEXT NOT NULL,
    CHECK (email IS NOT NULL OR phone IS NOT NULL)
);
"""


def db_path() -> Path:
    return Path(os.environ.get("LEADS_DB") or DEFAULT_DB)


def connect(path: Optional[Path] = None) -> sqlite3.Connection:
    path = path or db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=10)
    connection.execute("PRAGMA synchronous = FULL")
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise RuntimeError(f"{path} heeft schemaversie {version}; deze code kent tot {SCHEMA_VERSION}")
    with connection:
        connection.execute(SCHEMA)
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return connection


def store(request: dict, intake_id: str, sender: str, path: Optional[Path] = None) -> int:
    """Store one request and return its number; storing the same intake twice returns the
    first number."""
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    with closing(connect(path)) as connection, connection:  # one transaction
        connection.execute(
            "INSERT OR IGNORE INTO vacancy_requests (created_at, intake_id, sender, "
            + ", ".join(FIELDS) + ", consent_at) VALUES (?, ?, ?, "
            + ", ".join("?" for _ in FIELDS) + ", ?)",
            [now, intake_id, sender] + [request.get(f) for f in FIELDS] + [now])
        return connection.execute("SELECT id FROM vacancy_requests WHERE intake_id = ?",
                                  (intake_id,)).fetchone()[0]


def export_csv(since: Optional[str] = None, path: Optional[Path] = None) -> str:
    """All requests (created on or after `since`, a YYYY-MM-DD date) as CSV."""
    out = io.StringIO()
    writer = csv.writer(out)
    columns = ["id", "created_at"] + FIELDS
    writer.writerow(columns)
    path = path or db_path()
    if path.exists():
        with closing(connect(path)) as connection:
            rows = connection.execute(
                f"SELECT {', '.join(columns)} FROM vacancy_requests WHERE created_at >= ? ORDER BY id",
                (since or "",)).fetchall()
        writer.writerows(rows)
    return out.getvalue()
