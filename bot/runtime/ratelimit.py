"""Per-conversation rate limit, shared by the chat widget (per session) and the REST channel
(per sender): at most N messages in a sliding window of S seconds.

Configured with an environment variable of the form "N/S" ("20/60": 20 messages a minute),
"N" (per minute), or "0"/"off" (no limit). Memory stays bounded: at most `max_keys`
conversations are tracked (the least recently seen one is dropped first), each with at most
N timestamps, and conversations whose window has passed are dropped as new ones come in.
With more than one Sanic worker (SANIC_WORKERS) the counts live in one SQLite file
(RATE_LIMIT_DB, set by the launcher), so the limit holds for the server as a whole.
"""

from __future__ import annotations

import math
import os
import time
from collections import OrderedDict, deque
from pathlib import Path
from typing import Callable, Deque, Optional, Tuple, Union

from bot.runtime.shared_sqlite import SharedFile
from bot.runtime.texts import response_text

DEFAULT = "20/60"
MAX_KEYS = 10_000
# What the visitor reads (the widget shows it; the REST channel returns it).
TOO_MANY = response_text("utter_too_many_messages")


def parse(value: Optional[str], name: str = "rate limit") -> Optional[Tuple[int, float]]:
    """ "N/S" -> (N, S); "N" -> (N, 60); "0" or "off" -> None (no limit); unset or empty: DEFAULT."""
    value = (value or "").strip().lower() or DEFAULT
    if value in ("0", "off", "uit", "none"):
        return None
    count, slash, seconds = value.partition("/")
    try:
        limit, window = int(count), float(seconds) if slash else 60.0
    except ValueError:
        raise ValueError(
            f"{name}: verwacht 'aantal/seconden' zoals 20/60, of 0 voor geen limiet; " f"niet {value!r}"
        ) from None
    if limit < 0 or not 0 < window <= 24 * 3600:
        raise ValueError(
            f"{name}: aantal moet 0 of meer zijn en seconden tussen 0 en 86400; " f"niet {value!r}"
        )
    return (limit, window) if limit else None


class RateLimiter:
    """At most `limit` allowed hits per key in any `window` seconds (sliding window log).
    Refused hits are not counted, so a visitor who waits gets through as soon as their oldest
    message in the window is older than the window."""

    def __init__(
        self, limit: int, window: float, max_keys: int = MAX_KEYS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if limit < 1 or window <= 0 or max_keys < 1:
            raise ValueError("limit, window and max_keys must be positive")
        self.limit, self.window, self.max_keys, self.clock = limit, window, max_keys, clock
        self._hits: "OrderedDict[str, Deque[float]]" = OrderedDict()

    def __len__(self) -> int:
        """How many conversations are tracked now."""
        return len(self._hits)

    def __bool__(self) -> bool:
        return True  # a limiter that tracks nobody yet still limits (`if limiter:` means "on")

    def hit(self, key: str) -> float:
        """Count one message for `key`: 0.0 when allowed, else the seconds to wait."""
        now = self.clock()
        self._drop_idle(now)
        hits = self._hits.get(key)
        if hits is None:
            hits = self._hits[key] = deque()
            while len(self._hits) > self.max_keys:
                self._hits.popitem(last=False)  # the least recently seen conversation
        else:
            self._hits.move_to_end(key)
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            return max(0.001, hits[0] + self.window - now)
        hits.append(now)
        return 0.0

    def _drop_idle(self, now: float) -> None:
        """Forget the least recently seen conversations whose last message left the window
        (a few per call: the order is by last use, so the first live one ends the scan)."""
        for _ in range(8):
            if not self._hits:
                return
            key, hits = next(iter(self._hits.items()))
            if hits and hits[-1] > now - self.window:
                return
            del self._hits[key]


class SharedRateLimiter:
    """The same limit, counted in one SQLite file for all Sanic workers of the Rasa server (one
    worker's limiter in memory would let a visitor send N per worker). Each hit is one
    `BEGIN IMMEDIATE` transaction, which SQLite serialises across processes."""

    def __init__(
        self, limit: int, window: float, path: Path, name: str, clock: Callable[[], float] = time.time
    ) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("limit and window must be positive")
        self.limit, self.window, self.name, self.clock = limit, window, name, clock
        self.file = SharedFile(
            path,
            [
                "CREATE TABLE IF NOT EXISTS hits (limiter TEXT, key TEXT, at REAL)",
                "CREATE INDEX IF NOT EXISTS hits_by_key ON hits (limiter, key, at)",
            ],
        )
        self._hits_since_sweep = 0

    def __bool__(self) -> bool:
        return True

    def hit(self, key: str) -> float:
        """Count one message for `key`: 0.0 when allowed, else the seconds to wait."""
        now = self.clock()
        with self.file.write() as db:
            self._hits_since_sweep += 1
            if self._hits_since_sweep >= 1000:  # keeps the file small: every key's old hits
                db.execute("DELETE FROM hits WHERE limiter = ? AND at <= ?", (self.name, now - self.window))
                self._hits_since_sweep = 0
            else:
                db.execute(
                    "DELETE FROM hits WHERE limiter = ? AND key = ? AND at <= ?",
                    (self.name, key, now - self.window),
                )
            count, oldest = db.execute(
                "SELECT count(*), min(at) FROM hits WHERE limiter = ? AND key = ?", (self.name, key)
            ).fetchone()
            if count >= self.limit:
                return max(0.001, oldest + self.window - now)
            db.execute("INSERT INTO hits VALUES (?, ?, ?)", (self.name, key, now))
            return 0.0


def workers() -> int:
    """The Rasa server's Sanic workers (SANIC_WORKERS, as Rasa reads it)."""
    try:
        return max(1, int(os.environ.get("SANIC_WORKERS") or 1))
    except ValueError:
        return 1


def from_env(variable: str) -> Union[RateLimiter, SharedRateLimiter, None]:
    """The limiter configured by `variable` (default DEFAULT), or None for no limit; shared by
    the workers in RATE_LIMIT_DB when the Rasa server runs more than one."""
    parsed = parse(os.environ.get(variable), variable)
    if not parsed:
        return None
    shared = os.environ.get("RATE_LIMIT_DB")
    if workers() > 1 and shared:
        return SharedRateLimiter(*parsed, path=Path(shared), name=variable)
    return RateLimiter(*parsed)


def retry_after(seconds: float) -> str:
    """The Retry-After header value: whole seconds, at least 1."""
    return str(max(1, math.ceil(seconds)))
