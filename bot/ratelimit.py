"""Per-conversation rate limit, shared by the chat widget (per session) and the REST channel
(per sender): at most N messages in a sliding window of S seconds.

Configured with an environment variable of the form "N/S" ("20/60": 20 messages a minute),
"N" (per minute), or "0"/"off" (no limit). Memory stays bounded: at most `max_keys`
conversations are tracked (the least recently seen one is dropped first), each with at most
N timestamps, and conversations whose window has passed are dropped as new ones come in.
"""
from __future__ import annotations

import math
import os
import time
from collections import OrderedDict, deque
from typing import Callable, Deque, Optional, Tuple

from bot.texts import response_text

DEFAULT = "20/60"
MAX_KEYS = 10_000
# What the visitor reads (the widget shows it; the REST channel returns it).
TOO_MANY = response_text("utter_too_many_messages")


def parse(value: Optional[str], name: str = "rate limit") -> Optional[Tuple[int, float]]:
    """"N/S" -> (N, S); "N" -> (N, 60); "0" or "off" -> None (no limit); unset or empty: DEFAULT."""
    value = (value or "").strip().lower() or DEFAULT
    if value in ("0", "off", "uit", "none"):
        return None
    count, slash, seconds = value.partition("/")
    try:
        limit, window = int(count), float(seconds) if slash else 60.0
    except ValueError:
        raise ValueError(f"{name}: verwacht 'aantal/seconden' zoals 20/60, of 0 voor geen limiet; "
                         f"niet {value!r}") from None
    if limit < 0 or not 0 < window <= 24 * 3600:
        raise ValueError(f"{name}: aantal moet 0 of meer zijn en seconden tussen 0 en 86400; "
                         f"niet {value!r}")
    return (limit, window) if limit else None


class RateLimiter:
    """At most `limit` allowed hits per key in any `window` seconds (sliding window log).
    Refused hits are not counted, so a visitor who waits gets through as soon as their oldest
    message in the window is older than the window."""

    def __init__(self, limit: int, window: float, max_keys: int = MAX_KEYS,
                 clock: Callable[[], float] = time.monotonic) -> None:
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


def from_env(variable: str) -> Optional[RateLimiter]:
    """The limiter configured by `variable` (default DEFAULT), or None for no limit."""
    parsed = parse(os.environ.get(variable), variable)
    return RateLimiter(*parsed) if parsed else None


def retry_after(seconds: float) -> str:
    """The Retry-After header value: whole seconds, at least 1."""
    return str(max(1, math.ceil(seconds)))
