"""One SQLite file shared by the Sanic workers (bot/runtime/shared_sqlite.py): its schema made on
first use, a connection per process, and write transactions that commit or roll back whole."""

import multiprocessing
import sqlite3

import pytest

from bot.runtime.shared_sqlite import SharedFile

SCHEMA = ["CREATE TABLE IF NOT EXISTS hits (key TEXT NOT NULL, at REAL NOT NULL)"]


def test_the_file_and_its_schema_are_made_on_first_use_with_write_ahead_logging(tmp_path):
    shared = SharedFile(tmp_path / "deel" / "gedeeld.db", SCHEMA)
    assert not (tmp_path / "deel").exists()
    connection = shared.connection()
    assert shared.connection() is connection  # one per process
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert connection.execute("SELECT count(*) FROM hits").fetchone()[0] == 0


def test_a_write_commits_whole_or_not_at_all(tmp_path):
    shared = SharedFile(tmp_path / "gedeeld.db", SCHEMA)
    with shared.write() as connection:
        connection.execute("INSERT INTO hits VALUES ('a', 1)")
    with pytest.raises(ValueError):
        with shared.write() as connection:
            connection.execute("INSERT INTO hits VALUES ('b', 2)")
            raise ValueError("halverwege")
    with sqlite3.connect(tmp_path / "gedeeld.db") as other:
        assert other.execute("SELECT key FROM hits").fetchall() == [("a",)]


def write_in_a_fork(shared, queue):
    with shared.write() as connection:
        connection.execute("INSERT INTO hits VALUES ('kind', 3)")
    queue.put(id(shared.connection()))


def test_a_forked_worker_opens_a_connection_of_its_own(tmp_path):
    shared = SharedFile(tmp_path / "gedeeld.db", SCHEMA)
    ours = shared.connection()
    fork = multiprocessing.get_context("fork")
    queue = fork.Queue()
    worker = fork.Process(target=write_in_a_fork, args=(shared, queue))
    worker.start()
    worker.join(30)
    assert worker.exitcode == 0 and queue.get(timeout=5) != id(ours)
    assert shared.connection() is ours
    assert ours.execute("SELECT key FROM hits").fetchall() == [("kind",)]
