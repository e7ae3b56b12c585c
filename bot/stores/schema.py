"""Bringing a SQLite file of ours up to the schema version the code expects.

The version is SQLite's `user_version`; each store (leads.py, unanswered.py) passes its own
`upgrade(connection, found_version)`, run in one transaction with the new version.
"""

import sqlite3
from pathlib import Path
from typing import Callable


def migrate(
    connection: sqlite3.Connection,
    path: Path,
    version: int,
    upgrade: Callable[[sqlite3.Connection, int], None],
) -> None:
    """Run `upgrade` when the file is older than `version`; refuse a file made by newer code."""
    if connection.execute("PRAGMA user_version").fetchone()[0] == version:
        return
    connection.isolation_level = None
    connection.execute("BEGIN IMMEDIATE")  # one migration at a time; the others wait, then see it done
    try:
        found = connection.execute("PRAGMA user_version").fetchone()[0]
        if found > version:
            raise RuntimeError(f"{path} heeft schemaversie {found}; deze code kent tot {version}")
        if found < version:
            upgrade(connection, found)
            connection.execute(f"PRAGMA user_version = {version}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    finally:
        connection.isolation_level = ""
