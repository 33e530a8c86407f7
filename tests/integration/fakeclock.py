"""A process-wide movable clock that Dask worker processes import by name."""

from __future__ import annotations

from qds_notebook.sandbox.clock import MovableClock

CLOCK = MovableClock()


def advance(seconds: float) -> float:
    return CLOCK.advance(seconds)
