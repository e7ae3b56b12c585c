"""Rasa's Redis lock store, with every change of a lock made atomic.

Rasa keeps one ticket lock per conversation, so that two messages of one conversation are
handled one after the other even when they reach different servers or Sanic workers. Rasa
Open Source 3.6's `RedisLockStore` reads the lock, changes it in Python and writes it back
(GET, then SET): two servers that get a message of the same conversation at the same moment
both read "no lock", both take ticket 0 and handle the two messages at once, and one turn is
lost from the tracker store (RasaHQ/rasa#9213; the fix, `ConcurrentRedisLockStore`, is in
Rasa Pro only). tests/scale shows it.

This subclass (the ticket operations are bot/runtime/locks.py's `AtomicLockStore`, with its short
wait) keeps the same data in Redis (one JSON `TicketLock` per conversation, under the
same key) but makes each read-change-write one optimistic transaction (WATCH/MULTI/EXEC,
retried when another process changed the lock in between). Each key also expires a minute
after its last ticket, so a crashed server leaves nothing behind.

endpoints.scale.yml: `lock_store: type: bot.runtime.redis_lock.AtomicRedisLockStore` with the same
keys as Rasa's `redis` type (url, port, db, password, key_prefix, use_ssl, ...). Rasa runs
several Sanic workers with any lock store that is not the in-memory one.
"""

from __future__ import annotations

import json
import time
from typing import Any, Optional, Text

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from bot.runtime.locks import AtomicLockStore, Change

KEY_GRACE_SECONDS = 60  # a lock key outlives its last ticket by this much


class AtomicRedisLockStore(AtomicLockStore, RedisLockStore):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        if endpoint_config is not None:  # how Rasa builds a lock store given by module path
            kwargs = {**endpoint_config.kwargs, **kwargs}
            if endpoint_config.url:
                kwargs.setdefault("host", endpoint_config.url)
        super().__init__(**kwargs)

    def _change(self, conversation_id: Text, change: Change) -> Any:
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(raw)) if raw else None
                    result, lock = change(lock)
                    pipe.multi()
                    if lock is None or not lock.tickets:
                        pipe.delete(key)
                    else:
                        last = max(ticket.expires for ticket in lock.tickets)
                        pipe.set(key, lock.dumps(), ex=max(1, int(last - time.time()) + KEY_GRACE_SECONDS))
                    pipe.execute()
                    return result
                except redis.WatchError:  # someone else changed the lock: read it again
                    continue
