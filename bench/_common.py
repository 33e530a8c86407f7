"""Shared by the bench scripts: the machine line and stderr progress logging."""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Callable


def machine() -> str:
    """Architecture, core count and Python version."""
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def logger(name: str) -> Callable[[str], None]:
    """A progress logger writing ``[name] message`` lines to stderr."""

    def log(message: str) -> None:
        print(f"[{name}] {message}", file=sys.stderr, flush=True)

    return log
