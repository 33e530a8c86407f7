"""The one fixture module for tests against the sandbox (moto server on 127.0.0.1)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from qds_notebook import sandbox


@pytest.fixture(scope="session")
def sb() -> Iterator[sandbox.Sandbox]:
    with sandbox.start() as running:
        yield running


class FakeClock:
    """Real time plus an offset the test moves forward (credentials age instantly)."""

    def __init__(self) -> None:
        self.offset = timedelta()
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.offset += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


ALICE_ROLE = "arn:aws:iam::123456789012:role/alice-analyst"
ACCOUNT_ROLE = "arn:aws:iam::123456789012:role/qds-account"
DUAL_ROLE = "arn:aws:iam::123456789012:role/qds-instances"
CAROL_ROLE = "arn:aws:iam::123456789012:role/carol-engineer"
