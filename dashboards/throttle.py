"""Failed sign-ins counted per user name and per client address, so a password cannot be guessed
by trying many: after MAX_FAILURES failures of a name, or from an address, within WINDOW seconds,
/login answers 429 until the oldest of them leaves the window.

The counts live in this process (a cachetools TTLCache, bounded in entries): under gunicorn each
worker counts on its own, so N workers allow up to N x MAX_FAILURES tries per window.
"""
from __future__ import annotations

import math
import threading
import time

from cachetools import TTLCache

MAX_FAILURES = 5
WINDOW_SECONDS = 300.0
MAX_KEYS = 100_000


class LoginThrottle:
    """The failure times of each key ('name:pat', 'address:10.0.0.7') within the window."""

    def __init__(self, max_failures: int = MAX_FAILURES, window: float = WINDOW_SECONDS,
                 timer=time.monotonic) -> None:
        self.max_failures, self.window, self.timer = max_failures, window, timer
        self.failures: TTLCache = TTLCache(maxsize=MAX_KEYS, ttl=window, timer=timer)
        self.lock = threading.Lock()  # TTLCache is not thread-safe; Flask serves in threads

    def _recent(self, key: str, now: float) -> tuple[float, ...]:
        return tuple(t for t in self.failures.get(key, ()) if t > now - self.window)

    def retry_after(self, *keys: str) -> int:
        """Seconds until every key may try again (0: they may now)."""
        now = self.timer()
        with self.lock:
            waits = [recent[-self.max_failures] + self.window - now
                     for recent in (self._recent(key, now) for key in keys)
                     if len(recent) >= self.max_failures]
        return max(1, math.ceil(max(waits))) if waits else 0

    def failed(self, *keys: str) -> None:
        now = self.timer()
        with self.lock:
            for key in keys:
                self.failures[key] = (self._recent(key, now) + (now,))[-self.max_failures:]

    def succeeded(self, key: str) -> None:
        with self.lock:
            self.failures.pop(key, None)
