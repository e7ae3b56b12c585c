"""Stored vacancy requests ("leads") and their delivery jobs (the outbox), in one SQLite file.

A request and the jobs that send it to the agency are written in one transaction, before the
bot tells the employer it is stored: a crash after that message loses nothing, a crash before
it leaves no half row, and no request is ever stored without its jobs. The worker in
bot/office/delivery.py sends the jobs and records every attempt here; `python -m bot leads` prints
the requests as CSV with their delivery state, and the admin page (bot/office/admin.py) shows them,
marks them handled and offers them as a CSV for Dutch Excel (`export_excel`).
"""

from __future__ import annotations

import csv
import io
import logging
import os
import sqlite3
import threading
import time
from contextlib import closing
from datetime import datetime, timezone, tzinfo
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from actions.language import MONTH_NAMES
from actions.vacancy import INTAKE
from bot.stores.schema import migrate

logger = logging.getLogger(__name__)

DEFAULT_DB = Path(__file__).resolve().parents[2] / "var" / "leads.db"
SCHEMA_VERSION = 4
# The kinds of request: a vacancy from the intake, or a callback asked for in the chat when nobody
# of 2ASSISTU was in (actions/handoff.py); a callback keeps its question in `description` and
# leaves the vacancy's columns empty.
KINDS = {"vacature": "Vacatureaanvraag", "terugbelverzoek": "Terugbelverzoek"}
# The stored columns of a request and their labels, from the intake's one definition.
TITLES = {column: label for f in INTAKE for column, label in f.stored.items()}
FIELDS = list(TITLES)
SCHEMA = """
CREATE TABLE IF NOT EXISTS vacancy_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,          -- UTC, ISO 8601
    intake_id TEXT NOT NULL UNIQUE,    -- one per intake: a retried action stores once
    sender TEXT NOT NULL,              -- the conversation (tracker sender id)
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
    consent_text TEXT,                 -- the consent question exactly as the visitor saw it
    consent_version TEXT,              -- its fingerprint (bot/stores/privacy.py)
    handled_at TEXT,                   -- marked handled on the admin page (UTC), or NULL
    handled_by TEXT,                   -- by which admin account
    kind TEXT NOT NULL DEFAULT 'vacature',  -- a key of KINDS
    CHECK (email IS NOT NULL OR phone IS NOT NULL)
);
-- The outbox: one job per request and channel ('email', 'webhook').
CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id INTEGER NOT NULL REFERENCES vacancy_requests (id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',   -- pending, delivered, or failed (retries used up)
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,           -- unix time
    first_attempt_at REAL,                   -- the retry window counts from here
    last_error TEXT NOT NULL DEFAULT '',
    delivered_at TEXT,
    UNIQUE (request_id, channel)
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (state, next_attempt_at);
CREATE TABLE IF NOT EXISTS delivery_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id INTEGER NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    outcome TEXT,                            -- ok, error or interrupted (NULL while sending)
    error TEXT NOT NULL DEFAULT ''
);
"""
# Set after a request is stored, so that the worker in the same process sends it at once.
NEW_REQUEST = threading.Event()


def local_zone() -> tzinfo:
    """Dutch time, for what staff read (the admin page, the CSV); stored times stay UTC."""
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("Europe/Amsterdam")
    except Exception:  # noqa: BLE001 - no time zone data on this machine
        logger.warning("Geen tijdzonegegevens voor Europe/Amsterdam; tijden in UTC")
        return timezone.utc


LOCAL = local_zone()


def db_path() -> Path:
    return Path(os.environ.get("LEADS_DB") or DEFAULT_DB)


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def channels() -> List[str]:
    """The channels a new request is sent through: always e-mail, and the webhook when set."""
    return ["email"] + (["webhook"] if os.environ.get("LEADS_WEBHOOK_URL") else [])


def connect(path: Optional[Path] = None) -> sqlite3.Connection:
    path = path or db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=30)
    connection.execute("PRAGMA synchronous = FULL")
    connection.execute("PRAGMA foreign_keys = ON")  # deleting a request deletes its jobs
    migrate(connection, path, SCHEMA_VERSION, upgrade)
    return connection


def upgrade(connection: sqlite3.Connection, version: int) -> None:
    """From `version` (0: a new file) to SCHEMA_VERSION, inside the migration's transaction."""
    if version == 1:  # before delivery: requests without consent text or jobs
        connection.execute("ALTER TABLE vacancy_requests ADD COLUMN consent_text TEXT")
        connection.execute("ALTER TABLE vacancy_requests ADD COLUMN consent_version TEXT")
    if version in (1, 2):  # before the admin page: nothing marked handled
        connection.execute("ALTER TABLE vacancy_requests ADD COLUMN handled_at TEXT")
        connection.execute("ALTER TABLE vacancy_requests ADD COLUMN handled_by TEXT")
    columns = {row[1] for row in connection.execute("PRAGMA table_info(vacancy_requests)")}
    if version and "kind" not in columns:  # before callbacks (schema 1 to 3): every request a vacancy
        connection.execute("ALTER TABLE vacancy_requests ADD COLUMN kind TEXT NOT NULL DEFAULT 'vacature'")
    for statement in SCHEMA.split(";"):  # (no ";" in the comments above)
        if statement.strip():
            connection.execute(statement)


def store(
    request: dict,
    intake_id: str,
    sender: str,
    consent_text: str = "",
    path: Optional[Path] = None,
    kind: str = "vacature",
) -> int:
    """Store one request with its delivery jobs and return its number; storing the same
    intake twice returns the first number."""
    from bot.stores.privacy import consent_version

    now = utc_now()
    with closing(connect(path)) as connection, connection:  # one transaction
        cursor = connection.execute(
            "INSERT INTO vacancy_requests (created_at, intake_id, sender, "
            + ", ".join(FIELDS)
            + ", consent_at, consent_text, consent_version, kind) VALUES (?, ?, ?, "
            + ", ".join("?" for _ in FIELDS)
            + ", ?, ?, ?, ?) ON CONFLICT (intake_id) DO NOTHING",
            [now, intake_id, sender]
            + [request.get(f) for f in FIELDS]
            + [now, consent_text, consent_version(consent_text), kind],
        )
        if cursor.rowcount:
            connection.executemany(
                "INSERT INTO deliveries (request_id, channel, next_attempt_at) VALUES (?, ?, ?)",
                [(cursor.lastrowid, channel, time.time()) for channel in channels()],
            )
        number = connection.execute(
            "SELECT id FROM vacancy_requests WHERE intake_id = ?", (intake_id,)
        ).fetchone()[0]
    NEW_REQUEST.set()
    return number


def store_callback(
    name: str,
    email: Optional[str],
    phone: Optional[str],
    question: str,
    intake_id: str,
    sender: str,
    consent_text: str = "",
    path: Optional[Path] = None,
) -> int:
    """A callback request: the same row, outbox and delivery as a vacancy, of kind
    'terugbelverzoek'; the question is its description, the vacancy's columns stay empty."""
    request = {
        "role": "",
        "contract": "",
        "hours": 0,
        "start_date": "",
        "organisation": "",
        "contact_name": name,
        "email": email,
        "phone": phone,
        "description": question,
    }
    return store(request, intake_id, sender, consent_text, path, kind="terugbelverzoek")


def shown(field: str, value) -> str:
    """A field as people read it: '32 uur', '1 maart 2027', '(geen)'."""
    if value is None or value == "":
        return "(geen)"
    if field == "hours":
        return f"{value} uur"
    if field == "start_date" and len(str(value)) == 10 and str(value)[4] == "-":
        year, month, day = (int(part) for part in str(value).split("-"))
        return f"{day} {MONTH_NAMES[month - 1]} {year}"
    return str(value)


def request(number: int, path: Optional[Path] = None) -> Optional[Dict]:
    with closing(connect(path)) as connection:
        connection.row_factory = sqlite3.Row
        row = connection.execute("SELECT * FROM vacancy_requests WHERE id = ?", (number,)).fetchone()
    return dict(row) if row else None


# ---- the outbox, for the worker in bot/office/delivery.py -----------------------------------------------


def due_jobs(now: float, channels: List[str], path: Optional[Path] = None) -> List[Tuple]:
    """(job id, request number, channel, attempts, first attempt) of the jobs due now."""
    if not channels:
        return []
    with closing(connect(path)) as connection:
        return connection.execute(
            "SELECT id, request_id, channel, attempts, first_attempt_at FROM deliveries WHERE state = "
            f"'pending' AND next_attempt_at <= ? AND channel IN ({', '.join('?' for _ in channels)}) "
            "ORDER BY next_attempt_at, id",
            [now, *channels],
        ).fetchall()


def next_due(channels: List[str], path: Optional[Path] = None) -> Optional[float]:
    if not channels:
        return None
    with closing(connect(path)) as connection:
        return connection.execute(
            "SELECT min(next_attempt_at) FROM deliveries WHERE state = 'pending' AND channel IN "
            f"({', '.join('?' for _ in channels)})",
            channels,
        ).fetchone()[0]


def begin_attempt(job: int, now: float, path: Optional[Path] = None) -> Optional[int]:
    """Record that a send starts (committed before it starts, so that a crash mid-send shows
    as an interrupted attempt); None when the job was removed meanwhile."""
    with closing(connect(path)) as connection, connection:
        updated = connection.execute(
            "UPDATE deliveries SET attempts = attempts + 1, first_attempt_at = coalesce("
            "first_attempt_at, ?) WHERE id = ? AND state = 'pending'",
            (now, job),
        ).rowcount
        if not updated:
            return None
        return connection.execute(
            "INSERT INTO delivery_attempts (delivery_id, started_at) VALUES (?, ?)", (job, utc_now())
        ).lastrowid


def end_attempt(
    job: int, attempt: int, error: str = "", retry_at: Optional[float] = None, path: Optional[Path] = None
) -> None:
    """Record the outcome: delivered (no error), to be retried at `retry_at`, or failed."""
    now = utc_now()
    with closing(connect(path)) as connection, connection:
        connection.execute(
            "UPDATE delivery_attempts SET finished_at = ?, outcome = ?, error = ? WHERE id = ?",
            (now, "error" if error else "ok", error, attempt),
        )
        if not error:
            connection.execute(
                "UPDATE deliveries SET state = 'delivered', delivered_at = ? WHERE id = ?", (now, job)
            )
        elif retry_at is not None:
            connection.execute(
                "UPDATE deliveries SET next_attempt_at = ?, last_error = ? WHERE id = ?",
                (retry_at, error, job),
            )
        else:
            connection.execute(
                "UPDATE deliveries SET state = 'failed', last_error = ? WHERE id = ?", (error, job)
            )


def mark_handled(number: int, by: Optional[str], path: Optional[Path] = None) -> bool:
    """Mark a request handled by admin account `by`, or open again with `by=None`; False when
    there is no such request."""
    with closing(connect(path)) as connection, connection:
        return bool(
            connection.execute(
                "UPDATE vacancy_requests SET handled_at = ?, handled_by = ? WHERE id = ?",
                (utc_now() if by else None, by, number),
            ).rowcount
        )


def recover_interrupted(path: Optional[Path] = None) -> int:
    """Attempts that never finished (the process died mid-send) are marked; their jobs are
    still pending and go out again. Only the one worker of this file calls this."""
    with closing(connect(path)) as connection, connection:
        return connection.execute(
            "UPDATE delivery_attempts SET outcome = 'interrupted', finished_at = ?, error = "
            "'het proces stopte tijdens het versturen' WHERE outcome IS NULL",
            (utc_now(),),
        ).rowcount


def retry_failed(path: Optional[Path] = None) -> int:
    """Give failed jobs a new retry window (after the cause was fixed)."""
    with closing(connect(path)) as connection, connection:
        return connection.execute(
            "UPDATE deliveries SET state = 'pending', next_attempt_at = ?, first_attempt_at = NULL "
            "WHERE state = 'failed'",
            (time.time(),),
        ).rowcount


# ---- the export ------------------------------------------------------------------------------


def overall_state(states: List[str]) -> str:
    if not states:
        return "none"  # stored before delivery existed
    for state in ("failed", "pending"):
        if state in states:
            return state
    return "delivered"


def export_rows(since: Optional[str] = None, path: Optional[Path] = None) -> List[Dict]:
    """All requests (created on or after `since`, a YYYY-MM-DD date) with their delivery state."""
    path = path or db_path()
    if not path.exists():
        return []
    with closing(connect(path)) as connection:
        connection.row_factory = sqlite3.Row
        requests = connection.execute(
            f"SELECT id, created_at, sender, {', '.join(FIELDS)}, consent_at, consent_version, "
            "handled_at, handled_by, kind FROM vacancy_requests WHERE created_at >= ? ORDER BY id",
            (since or "",),
        ).fetchall()
        jobs: Dict[int, List] = {}
        for job in connection.execute("SELECT * FROM deliveries ORDER BY request_id, channel"):
            jobs.setdefault(job["request_id"], []).append(job)
    rows = []
    for row in requests:
        mine = jobs.get(row["id"], [])
        state = overall_state([job["state"] for job in mine])
        rows.append(
            dict(
                row,
                delivery_state=state,
                attempts=sum(job["attempts"] for job in mine),
                last_error="; ".join(
                    f"{job['channel']}: {job['last_error']}" for job in mine if job["last_error"]
                ),
                delivered_at=max(job["delivered_at"] for job in mine) if state == "delivered" else "",
            )
        )
    return rows


def export_csv(since: Optional[str] = None, path: Optional[Path] = None) -> str:
    out = io.StringIO()
    columns = (
        ["id", "created_at"]
        + FIELDS
        + [
            "consent_at",
            "consent_version",
            "delivery_state",
            "attempts",
            "last_error",
            "delivered_at",
            "handled_at",
            "handled_by",
        ]
    )
    writer = csv.DictWriter(out, columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(export_rows(since, path))
    return out.getvalue()


# The CSV for Dutch Excel: its columns and their headers, in this order.
EXCEL_COLUMNS = {
    "id": "Nummer",
    "created_at": "Ontvangen",
    **TITLES,
    "consent_at": "Toestemming gegeven",
    "delivery_state": "Bezorging",
    "attempts": "Pogingen",
    "last_error": "Fout bij bezorgen",
    "delivered_at": "Bezorgd op",
    "handled_at": "Afgehandeld op",
    "handled_by": "Afgehandeld door",
    "kind": "Soort",
}
TIMES = ("created_at", "consent_at", "delivered_at", "handled_at")


def excel_value(column: str, value) -> object:
    """One cell as Dutch Excel reads it: times in Dutch time ('03-12-2026 14:05'), dates as
    '01-03-2027', and text that Excel would run as a formula (=, +, -, @ first) made inert."""
    if value is None or value == "":
        return ""
    if column == "kind":
        return KINDS.get(value, value)
    if column in TIMES:
        return datetime.fromisoformat(value).astimezone(LOCAL).strftime("%d-%m-%Y %H:%M")
    if column == "start_date" and len(str(value)) == 10 and str(value)[4] == "-":
        return f"{value[8:]}-{value[5:7]}-{value[:4]}"
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def export_excel(
    since: Optional[str] = None, path: Optional[Path] = None, states: Optional[Dict[str, str]] = None
) -> str:
    """The requests for Dutch Excel: a BOM (so that Excel reads UTF-8), ';' between the
    columns, Dutch headers; `states` gives the delivery states in words."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    writer.writerow(EXCEL_COLUMNS.values())
    for row in export_rows(since, path):
        row["delivery_state"] = (states or {}).get(row["delivery_state"], row["delivery_state"])
        if row["kind"] != "vacature":  # a callback has no hours
            row["hours"] = ""
        writer.writerow([excel_value(column, row[column]) for column in EXCEL_COLUMNS])
    return out.getvalue()


# ---- retention and erasure (bot/office/retention.py) ------------------------------------------------


def purge(cutoff: str, dry_run: bool = False, path: Optional[Path] = None) -> Tuple[int, int]:
    """Remove requests created before `cutoff` (ISO UTC) with their jobs: (requests, jobs)."""
    return _delete("created_at < ?", (cutoff,), dry_run, path)


def find(email: Optional[str], phone: Optional[str], path: Optional[Path] = None) -> List[Tuple[int, str]]:
    """(number, conversation) of the requests with this e-mail address or phone number."""
    path = path or db_path()
    if not path.exists():
        return []
    with closing(connect(path)) as connection:
        return connection.execute(
            "SELECT id, sender FROM vacancy_requests WHERE lower(email) = lower(?) OR phone = ? ORDER BY id",
            (email or "", phone or ""),
        ).fetchall()


def delete(numbers: List[int], dry_run: bool = False, path: Optional[Path] = None) -> Tuple[int, int]:
    if not numbers:
        return 0, 0
    return _delete(f"id IN ({', '.join('?' for _ in numbers)})", numbers, dry_run, path)


def _delete(where: str, params, dry_run: bool, path: Optional[Path]) -> Tuple[int, int]:
    path = path or db_path()
    if not path.exists():
        return 0, 0
    with closing(connect(path)) as connection, connection:
        jobs = connection.execute(
            f"SELECT count(*) FROM deliveries WHERE request_id IN "
            f"(SELECT id FROM vacancy_requests WHERE {where})",
            params,
        ).fetchone()[0]
        if dry_run:
            return connection.execute(
                f"SELECT count(*) FROM vacancy_requests WHERE {where}", params
            ).fetchone()[0], jobs
        return connection.execute(f"DELETE FROM vacancy_requests WHERE {where}", params).rowcount, jobs
