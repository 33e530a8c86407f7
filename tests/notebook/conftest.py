"""Fixtures for the notebook UI: the sandbox, a real InteractiveShell, the kernel env."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qds_notebook import sandbox

ALICE = "alice@acme.com"
ALICE_CALLER = "arn:aws:sts::123456789012:assumed-role/alice-analyst/qds-alice-acme.com"
ACCOUNT_CALLER = "arn:aws:sts::123456789012:assumed-role/qds-account/qds-alice-acme.com"
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
# Base credentials in the developer's environment must not leak into the sandboxed runs.
_AWS_NAMES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_ENDPOINT_URL",
    "AWS_DEFAULT_REGION",
)


def has_check() -> bool:
    """Whether this SDK has ``Session.check``/``compare`` (built alongside this UI)."""
    from qds_notebook.session import Session

    return hasattr(Session, "check") and hasattr(Session, "compare")


needs_check = pytest.mark.skipif(
    not has_check(), reason="Session.check/compare not in this SDK yet"
)


@pytest.fixture(scope="session")
def sb() -> Iterator[sandbox.Sandbox]:
    with sandbox.start() as running:
        yield running


@pytest.fixture(scope="session")
def kernel_env(sb: sandbox.Sandbox) -> dict[str, str]:
    """The environment a notebook kernel gets: the sandbox's base env plus the user."""
    env = {k: v for k, v in os.environ.items() if k not in _AWS_NAMES}
    env.update(sb.base_env)
    env["QDS_USER"] = ALICE
    return env


@pytest.fixture(scope="module")
def alice_env(sb: sandbox.Sandbox) -> Iterator[None]:
    """This process's environment as alice's kernel would see it."""
    with pytest.MonkeyPatch.context() as mp:
        for name in _AWS_NAMES:
            mp.delenv(name, raising=False)
        for name, value in sb.base_env.items():
            mp.setenv(name, value)
        mp.setenv("QDS_USER", ALICE)
        yield


@pytest.fixture
def shell(alice_env: None) -> Iterator[Any]:
    """A real InteractiveShell with ``%load_ext qds_notebook`` done, fresh per test."""
    from IPython.core.interactiveshell import InteractiveShell

    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "qds_notebook")
    try:
        yield ip
    finally:
        ip.run_line_magic("unload_ext", "qds_notebook")
        ip.user_ns.pop("df", None)
