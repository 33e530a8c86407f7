"""The one fixture module for tests against the sandbox (moto server on 127.0.0.1)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from qds_notebook import sandbox
from qds_notebook.sandbox.clock import MovableClock


@pytest.fixture(scope="session")
def sb() -> Iterator[sandbox.Sandbox]:
    with sandbox.start() as running:
        yield running


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


ALICE_ROLE = "arn:aws:iam::123456789012:role/alice-analyst"
ACCOUNT_ROLE = "arn:aws:iam::123456789012:role/qds-account"
DUAL_ROLE = "arn:aws:iam::123456789012:role/qds-instances"
CAROL_ROLE = "arn:aws:iam::123456789012:role/carol-engineer"
