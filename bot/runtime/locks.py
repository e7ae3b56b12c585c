"""Rasa's conversation lock, right across processes, and without its one-second wait.

Rasa keeps one ticket lock per conversation, so that two messages of one conversation are
handled one after the other, in the order they came in, even when they reach different Sanic
workers or servers. Rasa's lock stores read a lock, change it in Python and write it back:
across processes two messages can both take ticket 0 and run at once, and one turn is lost.
`AtomicLockStore` makes each read-change-write one atomic step (`_change`), which each store
implements with its own transaction:

- `SQLiteLockStore` (endpoints.yml, one machine, any number of Sanic workers): a table in
  `LOCK_DB` (the launcher puts it in the var dir), each change one `BEGIN IMMEDIATE`
  transaction, which SQLite serialises across processes.
- `bot.runtime.redis_lock.AtomicRedisLockStore` (endpoints.scale.yml, several servers).

A message whose conversation is busy waits for its turn; Rasa looks again once a second, so a
visitor's quick second message waited up to a second. Here it looks every LOCK_POLL_SECONDS
(default 0.02).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, AsyncContextManager, Callable, Optional, Text, Tuple

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

from bot.runtime.shared_sqlite import SharedFile

LOCK_POLL_SECONDS = float(os.environ.get("LOCK_POLL_SECONDS", "0.02"))

Change = Callable[[Optional[TicketLock]], Tuple[Any, Optional[TicketLock]]]


class AtomicLockStore(LockStore):
    """Rasa's ticket operations, each one atomic `_change` of the stored lock."""

    def _change(self, conversation_id: Text, change: Change) -> Any:
        """Apply `change(lock) -> (result, new lock, or None to delete it)` atomically."""
        raise NotImplementedError

    def lock(
        self,
        conversation_id: Text,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = LOCK_POLL_SECONDS,
    ) -> AsyncContextManager[TicketLock]:
        return super().lock(conversation_id, lock_lifetime, wait_time_in_seconds)

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: Optional[TicketLock]) -> Tuple[int, TicketLock]:
            lock = lock or self.create_lock(conversation_id)
            return lock.issue_ticket(lock_lifetime), lock

        try:
            return self._change(conversation_id, issue)
        except Exception as error:  # as Rasa's own: the channel turns it into an error reply
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: Text) -> None:
        # Rasa calls this at every poll of every waiting message. A read first: only a lock
        # with an expired ticket is written, so that waiting messages do not keep the file's
        # write lock busy (a new message's ticket would wait behind them, and could be
        # overtaken by a later one).
        lock = self.get_lock(conversation_id)
        if lock is None or not any(ticket.has_expired() for ticket in lock.tickets):
            return

        def drop_expired(lock: Optional[TicketLock]) -> Tuple[None, Optional[TicketLock]]:
            if lock:
                lock.remove_expired_tickets()
            return None, lock

        self._change(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        def finish(lock: Optional[TicketLock]) -> Tuple[None, Optional[TicketLock]]:
            if lock:
                lock.remove_ticket_for(ticket_number)
            return None, lock

        self._change(conversation_id, finish)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        # Rasa's cleanup is finish_serving, then delete the lock when no one waits: between
        # the two another process may take a ticket, which the delete would throw away.
        self.finish_serving(conversation_id, ticket_number)  # deletes the lock when empty


class SQLiteLockStore(AtomicLockStore):
    """endpoints.yml: `lock_store: {type: bot.runtime.locks.SQLiteLockStore, db: <path>}`."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, db: Optional[Text] = None) -> None:
        db = db or (endpoint_config.kwargs.get("db") if endpoint_config else None)
        if not db:
            raise ValueError("SQLiteLockStore needs 'db': the path of its SQLite file")
        self.file = SharedFile(
            Path(db),
            ["CREATE TABLE IF NOT EXISTS locks " "(conversation_id TEXT PRIMARY KEY, data TEXT NOT NULL)"],
        )
        super().__init__()

    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        row = (
            self.file.connection()
            .execute("SELECT data FROM locks WHERE conversation_id = ?", (conversation_id,))
            .fetchone()
        )
        return TicketLock.from_dict(json.loads(row[0])) if row else None

    def save_lock(self, lock: TicketLock) -> None:
        self._change(lock.conversation_id, lambda _old: (None, lock))

    def delete_lock(self, conversation_id: Text) -> None:
        self._change(conversation_id, lambda _old: (None, None))

    def _change(self, conversation_id: Text, change: Change) -> Any:
        with self.file.write() as connection:
            result, lock = change(self.get_lock(conversation_id))
            if lock is None or not lock.tickets:
                connection.execute("DELETE FROM locks WHERE conversation_id = ?", (conversation_id,))
            else:
                connection.execute(
                    "INSERT OR REPLACE INTO locks VALUES (?, ?)", (conversation_id, lock.dumps())
                )
            return result
