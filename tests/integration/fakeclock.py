"""A process-wide fake clock that Dask worker processes import by name."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

_lock = threading.Lock()
_offset = [timedelta()]


def CLOCK() -> datetime:
    return datetime.now(UTC) + _offset[0]


def advance(seconds: float) -> float:
    with _lock:
        _offset[0] += timedelta(seconds=seconds)
    return _offset[0].total_seconds()
