"""A clock you can move forward, so refresh can be tried without waiting for expiry.

Pass it as ``clock=`` to ``sb.session(...)`` / ``Session.connect(...)``: credentials age
as fast as you advance it, while the sandbox's STS keeps issuing real ones.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

__all__ = ["MovableClock"]


class MovableClock:
    """Real UTC time plus an offset that :meth:`advance` moves forward (thread-safe)."""

    def __init__(self) -> None:
        self._offset = timedelta()
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self._offset

    @property
    def offset(self) -> float:
        """Seconds the clock is ahead of real time."""
        return self._offset.total_seconds()

    def advance(self, seconds: float) -> float:
        """Move the clock ``seconds`` forward; returns the new offset in seconds."""
        with self._lock:
            self._offset += timedelta(seconds=seconds)
            return self._offset.total_seconds()
