"""The admin page's own SQLite file (ADMIN_DB, default var/admin.db, mode 600): accounts,
sessions, failed logins (for the rate limit) and the log of every admin action.

    python -m bot admin-user NAME [--password-stdin] [--remove]   make, change or remove an account
    python -m bot admin-log                                        the last admin actions

Passwords are stored as scrypt hashes (hashlib, salt per password); sessions as the SHA-256
of their random token, so a copy of this file gives no one a password or a session. The
admin page is off (404) while the file holds no account.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import os
import re
import secrets
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import List, Optional, Tuple

DEFAULT_DB = Path(__file__).resolve().parents[2] / "var" / "admin.db"
SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    name TEXT PRIMARY KEY,
    password TEXT NOT NULL,            -- scrypt$n$r$p$salt$hash (base64)
    created_at TEXT NOT NULL,
    changed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,       -- SHA-256 of the cookie's token, never the token itself
    name TEXT NOT NULL REFERENCES accounts (name) ON DELETE CASCADE,
    csrf TEXT NOT NULL,                -- the token every form of this session carries
    created_at REAL NOT NULL,          -- unix time
    seen_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS failed_logins (
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS failed_logins_at ON failed_logins (at);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,                  -- UTC, ISO 8601
    name TEXT NOT NULL,                -- the account (for a failed login: the name typed)
    address TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
)
"""
NAME = re.compile(r"^[A-Za-z0-9._@-]{2,64}$")
MIN_PASSWORD = 12
SCRYPT = {"n": 2**15, "r": 8, "p": 1}  # 32 MB and about 0.1 s per try
IDLE_SECONDS = 30 * 60  # ADMIN_IDLE_MINUTES
MAX_SESSION_SECONDS = 12 * 3600  # a session ends after a working day, however busy
LOGIN_WINDOW = 15 * 60
MAX_FAILS_PER_NAME = 5  # per account name in the window
MAX_FAILS_PER_ADDRESS = 20  # per client address in the window
AUDIT_DAYS = 365


def db_path() -> Path:
    return Path(os.environ.get("ADMIN_DB") or DEFAULT_DB)


def idle_seconds() -> int:
    minutes = os.environ.get("ADMIN_IDLE_MINUTES")
    return int(float(minutes) * 60) if minutes else IDLE_SECONDS


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def connect(path: Optional[Path] = None) -> sqlite3.Connection:
    """The file, created with mode 600 (it holds password hashes and sessions)."""
    path = path or db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # Only a file that is not there yet: closing a descriptor drops every POSIX lock this
        # process holds on the file, so opening an existing one here would break the locks of
        # a connection in another thread ("disk I/O error", corrupted transactions).
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)
    connection = sqlite3.connect(path, timeout=30)
    connection.execute("PRAGMA foreign_keys = ON")
    if connection.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
        with connection:
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return connection


def exists(path: Optional[Path] = None) -> bool:
    """True when there is at least one account: the admin page is on."""
    path = path or db_path()
    if not path.exists():
        return False
    with closing(connect(path)) as connection:
        return connection.execute("SELECT 1 FROM accounts LIMIT 1").fetchone() is not None


# ---- passwords and accounts --------------------------------------------------------------------


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, maxmem=128 * 1024 * 1024, **SCRYPT)
    b64 = lambda data: base64.b64encode(data).decode()  # noqa: E731
    return f"scrypt${SCRYPT['n']}${SCRYPT['r']}${SCRYPT['p']}${b64(salt)}${b64(digest)}"


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        computed = hashlib.scrypt(
            password.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=128 * 1024 * 1024,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(computed, base64.b64decode(digest))


DUMMY_HASH = hash_password(secrets.token_hex(16))  # an unknown name costs as long as a known one


def problem_with(name: str, password: Optional[str] = None) -> Optional[str]:
    if not NAME.match(name or ""):
        return "Een naam is 2 tot 64 letters, cijfers of . _ @ -."
    if password is not None and len(password) < MIN_PASSWORD:
        return f"Een wachtwoord is minstens {MIN_PASSWORD} tekens."
    if password is not None and len(password) > 1024:
        return "Een wachtwoord is hoogstens 1024 tekens."
    return None


def set_password(name: str, password: str, path: Optional[Path] = None) -> bool:
    """Make the account, or give it a new password (and end its sessions); True when new."""
    wrong = problem_with(name, password)
    if wrong:
        raise ValueError(wrong)
    hashed, now = hash_password(password), utc_now()
    with closing(connect(path)) as connection, connection:
        new = connection.execute("SELECT 1 FROM accounts WHERE name = ?", (name,)).fetchone() is None
        connection.execute(
            "INSERT INTO accounts (name, password, created_at, changed_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET password = excluded.password, "
            "changed_at = excluded.changed_at",
            (name, hashed, now, now),
        )
        connection.execute("DELETE FROM sessions WHERE name = ?", (name,))
        _audit(connection, name, "terminal", "account aangemaakt" if new else "wachtwoord gewijzigd")
    return new


def remove(name: str, path: Optional[Path] = None) -> bool:
    with closing(connect(path)) as connection, connection:
        removed = connection.execute("DELETE FROM accounts WHERE name = ?", (name,)).rowcount
        if removed:
            _audit(connection, name, "terminal", "account verwijderd")
    return bool(removed)


# ---- logging in: rate limit, sessions ----------------------------------------------------------


def wait_before_login(
    name: str, address: str, now: Optional[float] = None, path: Optional[Path] = None
) -> int:
    """Seconds until this name and address may try again (0: now): at most
    MAX_FAILS_PER_NAME failures per name and MAX_FAILS_PER_ADDRESS per address in 15 minutes."""
    now = time.time() if now is None else now
    with closing(connect(path)) as connection:
        waits = [0.0]
        for column, value, limit in (
            ("name", name.lower(), MAX_FAILS_PER_NAME),
            ("address", address, MAX_FAILS_PER_ADDRESS),
        ):
            times = [
                at
                for (at,) in connection.execute(
                    f"SELECT at FROM failed_logins WHERE {column} = ? AND at > ? ORDER BY at DESC",
                    (value, now - LOGIN_WINDOW),
                )
            ]
            if len(times) >= limit:
                waits.append(times[limit - 1] + LOGIN_WINDOW - now)  # until one leaves the window
        return int(max(waits)) + (1 if max(waits) > 0 else 0)


def log_in(
    name: str, password: str, address: str, now: Optional[float] = None, path: Optional[Path] = None
) -> Optional[Tuple[str, str]]:
    """(session token, csrf token) for the right password, None otherwise (and the failure
    counts for the rate limit). Call wait_before_login first."""
    now = time.time() if now is None else now
    with closing(connect(path)) as connection:
        row = connection.execute("SELECT name, password FROM accounts WHERE name = ?", (name,)).fetchone()
    if not check_password(password, row[1] if row else DUMMY_HASH) or not row:
        with closing(connect(path)) as connection, connection:
            connection.execute(
                "INSERT INTO failed_logins (name, address, at) VALUES (?, ?, ?)",
                (name.lower()[:64], address, now),
            )
            _audit(connection, name[:64] or "?", address, "inloggen mislukt")
        return None
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with closing(connect(path)) as connection, connection:
        connection.execute(
            "INSERT INTO sessions (token_hash, name, csrf, created_at, seen_at) VALUES (?, ?, ?, ?, ?)",
            (_hash(token), row[0], csrf, now, now),
        )
        # housekeeping: old sessions, failures and log entries
        connection.execute(
            "DELETE FROM sessions WHERE seen_at < ? OR created_at < ?",
            (now - idle_seconds(), now - MAX_SESSION_SECONDS),
        )
        connection.execute("DELETE FROM failed_logins WHERE at < ?", (now - LOGIN_WINDOW,))
        connection.execute(
            "DELETE FROM audit WHERE at < ?",
            (datetime.fromtimestamp(now - AUDIT_DAYS * 86400, timezone.utc).isoformat(timespec="seconds"),),
        )
        _audit(connection, row[0], address, "ingelogd")
    return token, csrf


@dataclass
class Session:
    name: str
    csrf: str


def session(
    token: Optional[str], now: Optional[float] = None, path: Optional[Path] = None, touch: bool = True
) -> Optional[Session]:
    """The session of a cookie's token, if it has not been idle too long or lived too long;
    it counts as seen now, unless `touch` is False (a page's script asking for news: an open
    page alone does not keep a session alive)."""
    if not token or len(token) > 100:
        return None
    now = time.time() if now is None else now
    with closing(connect(path)) as connection, connection:
        row = connection.execute(
            "SELECT name, csrf, created_at, seen_at FROM sessions WHERE token_hash = ?", (_hash(token),)
        ).fetchone()
        if not row:
            return None
        if row[3] < now - idle_seconds() or row[2] < now - MAX_SESSION_SECONDS:
            connection.execute("DELETE FROM sessions WHERE token_hash = ?", (_hash(token),))
            return None
        if touch:
            connection.execute("UPDATE sessions SET seen_at = ? WHERE token_hash = ?", (now, _hash(token)))
    return Session(row[0], row[1])


def log_out(token: str, path: Optional[Path] = None) -> None:
    with closing(connect(path)) as connection, connection:
        connection.execute("DELETE FROM sessions WHERE token_hash = ?", (_hash(token),))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# ---- the log of admin actions ------------------------------------------------------------------


def audit(name: str, address: str, action: str, detail: str = "", path: Optional[Path] = None) -> None:
    with closing(connect(path)) as connection, connection:
        _audit(connection, name, address, action, detail)


def _audit(connection: sqlite3.Connection, name: str, address: str, action: str, detail: str = "") -> None:
    connection.execute(
        "INSERT INTO audit (at, name, address, action, detail) VALUES (?, ?, ?, ?, ?)",
        (utc_now(), name, address, action, detail),
    )


def recent(limit: int = 100, path: Optional[Path] = None) -> List[Tuple[str, str, str, str, str]]:
    """(at, name, address, action, detail), newest first."""
    path = path or db_path()
    if not path.exists():
        return []
    with closing(connect(path)) as connection:
        return connection.execute(
            "SELECT at, name, address, action, detail FROM audit " "ORDER BY id DESC LIMIT ?", (limit,)
        ).fetchall()
