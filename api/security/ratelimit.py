"""Per-key token buckets: `burst` requests at once, refilled at `per_minute`. In memory, per process."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class TokenBucket:
    capacity: float
    per_second: float
    tokens: float
    updated: float

    def take(self, now: float) -> float:
        """Take one token; returns 0 when taken, else the seconds until one is available."""
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.per_second)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.per_second


class RateLimiter:
    def __init__(self, per_minute: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_second = per_minute / 60
        self.burst = burst
        self.clock = clock
        self.buckets: dict[str, TokenBucket] = {}

    def retry_after(self, key: str) -> int | None:
        """None when the request may go ahead (one token is spent), else whole seconds to wait (>= 1)."""
        if self.per_second <= 0:
            return None
        now = self.clock()
        bucket = self.buckets.get(key)
        if bucket is None:
            bucket = self.buckets[key] = TokenBucket(self.burst, self.per_second, self.burst, now)
        wait = bucket.take(now)
        return None if wait == 0 else max(1, math.ceil(wait))
