"""The admin page's accounts, sessions, login limits and audit log (bot/office/admin_db.py)."""

import sqlite3
import stat
import subprocess
import sys
import time

import pytest

from bot.office import admin_db

PASSWORD = "een-lang-wachtwoord"


def test_a_password_is_stored_as_a_salted_scrypt_hash_in_a_file_only_its_owner_reads(tmp_path):
    db = tmp_path / "admin.db"
    assert not admin_db.exists(db) and not db.exists()  # no account: the page is off, no file made
    assert admin_db.set_password("anna", PASSWORD, db) is True
    assert admin_db.exists(db)
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    with sqlite3.connect(db) as connection:
        (stored,) = connection.execute("SELECT password FROM accounts WHERE name = 'anna'").fetchone()
    assert stored.startswith("scrypt$32768$8$1$") and PASSWORD not in stored
    assert PASSWORD.encode() not in db.read_bytes()
    assert admin_db.check_password(PASSWORD, stored) and not admin_db.check_password(PASSWORD + "x", stored)
    assert admin_db.hash_password(PASSWORD) != admin_db.hash_password(PASSWORD)  # a salt per hash
    with pytest.raises(ValueError, match="minstens 12 tekens"):
        admin_db.set_password("anna", "kort", db)
    with pytest.raises(ValueError, match="Een naam"):
        admin_db.set_password("a b", PASSWORD, db)


def test_opening_the_file_keeps_the_locks_another_connection_holds(tmp_path):
    # The admin page opens the file from several threads at once (five charts load together).
    # Closing any descriptor of the file drops this process's POSIX locks on it, so a write
    # transaction open elsewhere in the process must still hold its lock afterwards.
    db = tmp_path / "admin.db"
    admin_db.set_password("anna", PASSWORD, db)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    admin_db.connect(db).close()
    other = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1], timeout=0); "
            "c.execute('BEGIN IMMEDIATE')",
            str(db),
        ],
        capture_output=True,
        text=True,
    )
    holder.execute("ROLLBACK")
    assert other.returncode != 0 and "database is locked" in other.stderr


def test_sessions_end_when_idle_after_a_working_day_at_logout_and_with_a_new_password(tmp_path, monkeypatch):
    db = tmp_path / "admin.db"
    admin_db.set_password("anna", PASSWORD, db)
    start = time.time()
    assert admin_db.log_in("anna", "fout-wachtwoord!", "10.0.0.1", start, db) is None
    token, csrf = admin_db.log_in("anna", PASSWORD, "10.0.0.1", start, db)
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT token_hash FROM sessions").fetchone()[0] != token  # only its hash
    assert admin_db.session(token, start + 60, db) == admin_db.Session("anna", csrf)
    assert admin_db.session(token + "x", start + 60, db) is None
    # every request counts as activity: 25 minutes apart, for two hours, the session lives
    for minutes in range(25, 125, 25):
        assert admin_db.session(token, start + minutes * 60, db) is not None
    assert admin_db.session(token, start + 120 * 60 + admin_db.IDLE_SECONDS + 1, db) is None  # idle too long
    assert admin_db.session(token, start + 200 * 60, db) is None  # and gone

    monkeypatch.setenv("ADMIN_IDLE_MINUTES", "600")
    token, _ = admin_db.log_in("anna", PASSWORD, "10.0.0.1", start, db)
    moment = start
    while moment < start + admin_db.MAX_SESSION_SECONDS - 3600:
        moment += 3600
        assert admin_db.session(token, moment, db) is not None
    assert (
        admin_db.session(token, start + admin_db.MAX_SESSION_SECONDS + 1, db) is None
    )  # a working day at most

    token, _ = admin_db.log_in("anna", PASSWORD, "10.0.0.1", None, db)
    admin_db.log_out(token, db)
    assert admin_db.session(token, None, db) is None
    token, _ = admin_db.log_in("anna", PASSWORD, "10.0.0.1", None, db)
    admin_db.set_password("anna", PASSWORD + "2", db)  # a new password ends the sessions
    assert admin_db.session(token, None, db) is None
    actions = [action for _, name, _, action, _ in admin_db.recent(20, db) if name == "anna"]
    assert (
        actions.count("ingelogd") == 4 and "inloggen mislukt" in actions and "wachtwoord gewijzigd" in actions
    )


def test_logins_are_limited_per_name_and_per_address(tmp_path):
    db = tmp_path / "admin.db"
    admin_db.set_password("anna", PASSWORD, db)
    now = time.time()
    for attempt in range(admin_db.MAX_FAILS_PER_NAME):
        assert admin_db.wait_before_login("anna", "10.0.0.1", now + attempt, db) == 0
        assert admin_db.log_in("Anna", "geraden-wachtwoord", "10.0.0.1", now + attempt, db) is None
    wait = admin_db.wait_before_login("anna", "10.0.0.9", now + 10, db)  # another address: still refused
    assert 0 < wait <= admin_db.LOGIN_WINDOW
    assert admin_db.wait_before_login("piet", "10.0.0.1", now + 10, db) == 0  # another name: not yet
    assert admin_db.wait_before_login("anna", "10.0.0.1", now + admin_db.LOGIN_WINDOW + 1, db) == 0
    # one address that tries many names
    for number in range(admin_db.MAX_FAILS_PER_ADDRESS):
        admin_db.log_in(f"naam{number}", "geraden-wachtwoord", "10.0.0.2", now + 20, db)
    assert admin_db.wait_before_login("bert", "10.0.0.2", now + 21, db) > 0
    assert admin_db.wait_before_login("bert", "10.0.0.3", now + 21, db) == 0
    failed = [
        (name, address)
        for _, name, address, action, _ in admin_db.recent(100, db)
        if action == "inloggen mislukt"
    ]
    assert ("Anna", "10.0.0.1") in failed and len(
        failed
    ) == admin_db.MAX_FAILS_PER_NAME + admin_db.MAX_FAILS_PER_ADDRESS
