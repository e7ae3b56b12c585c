"""One SQLite file that all Sanic workers of the Rasa server share (the conversation locks,
bot/runtime/locks.py; the rate limits, bot/runtime/ratelimit.py): a connection per process, and write
transactions that SQLite serialises across processes."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path
from typing import Iterator, Optional, Sequence


class SharedFile:
    """The file at `path` with `schema` (CREATE ... IF NOT EXISTS statements). What it holds
    lives seconds to minutes, so a commit waits for no disk (synchronous=OFF)."""

    def __init__(self, path: Path, schema: Sequence[str]) -> None:
        self.path, self.schema = Path(path), tuple(schema)
        self._connection: Optional[sqlite3.Connection] = None
        self._pid = 0

    def connection(self) -> sqlite3.Connection:
        """This process's connection (a worker is a fork of the process that made us, and an
        SQLite connection must not cross a fork)."""
        if self._connection is None or self._pid != os.getpid():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=OFF")
            for statement in self.schema:
                connection.execute(statement)
            self._connection, self._pid = connection, os.getpid()
        return self._connection

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taking the file's write lock first (BEGIN IMMEDIATE)."""
        connection = self.connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
