"""House style is part of the build: ruff clean and mypy --strict clean."""

from __future__ import annotations

import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "cmd",
    [
        [sys.executable, "-m", "ruff", "check", "qds_notebook", "tests", "bench"],
        [sys.executable, "-m", "mypy", "qds_notebook"],
    ],
    ids=["ruff", "mypy"],
)
def test_tool_is_clean(cmd):
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
