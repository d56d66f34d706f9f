"""A per-process token bucket per caller (principal, or client address when anonymous).

With several workers or replicas each process keeps its own buckets, so the effective limit
is per process (see docs/SECURITY.md).
"""

from __future__ import annotations

import math
import threading
import time


class RateLimiter:
    """``rate_per_minute`` tokens refill continuously up to ``burst``; 0 disables the limiter."""

    def __init__(self, rate_per_minute: int, burst: int, *, max_keys: int = 100_000) -> None:
        self.rate = rate_per_minute / 60.0
        self.burst = max(1, burst)
        self.max_keys = max_keys
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def hit(self, key: str, *, now: float | None = None) -> float:
        """Take one token; return 0 when allowed, else the seconds until a token is available."""
        if not self.enabled:
            return 0.0
        t = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.burst), t))
            tokens = min(float(self.burst), tokens + (t - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, t)
                return 0.0
            self._buckets[key] = (tokens, t)
            if len(self._buckets) > self.max_keys:
                self._buckets.clear()  # crude bound on memory; a reset only ever lets callers through
            return (1.0 - tokens) / self.rate

    def retry_after(self, wait: float) -> int:
        return max(1, math.ceil(wait))
