"""Bringing a SQLite file up to the schema version the code expects (bot/stores/schema.py)."""

import sqlite3

import pytest

from bot.stores.schema import migrate


def version(connection):
    return connection.execute("PRAGMA user_version").fetchone()[0]


def test_an_older_file_is_upgraded_once_from_the_version_it_has(tmp_path):
    path, calls = tmp_path / "store.db", []

    def upgrade(connection, found):
        calls.append(found)
        if found < 1:
            connection.execute("CREATE TABLE requests (id INTEGER PRIMARY KEY)")
        connection.execute("ALTER TABLE requests ADD COLUMN kind TEXT")

    connection = sqlite3.connect(path)
    migrate(connection, path, 2, upgrade)
    assert calls == [0] and version(connection) == 2
    assert connection.isolation_level == ""  # Python's own transactions again afterwards
    other = sqlite3.connect(path)  # another connection (another process) finds it done
    migrate(other, path, 2, upgrade)
    assert calls == [0]
    assert [row[1] for row in other.execute("PRAGMA table_info(requests)")] == ["id", "kind"]


def test_a_failed_upgrade_leaves_the_file_as_it_was(tmp_path):
    path = tmp_path / "store.db"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE requests (id INTEGER PRIMARY KEY)")
    connection.execute("PRAGMA user_version = 1")
    connection.commit()

    def half_then_broken(connection, found):
        connection.execute("ALTER TABLE requests ADD COLUMN kind TEXT")
        raise ValueError("kapot")

    with pytest.raises(ValueError, match="kapot"):
        migrate(connection, path, 2, half_then_broken)
    assert version(connection) == 1 and connection.isolation_level == ""
    assert [row[1] for row in connection.execute("PRAGMA table_info(requests)")] == ["id"]


def test_a_file_of_newer_code_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "store.db"
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA user_version = 5")

    def upgrade(connection, found):
        raise AssertionError("not called for a newer file")

    with pytest.raises(RuntimeError, match=r"store\.db heeft schemaversie 5; deze code kent tot 3"):
        migrate(connection, path, 3, upgrade)
    assert version(connection) == 5
