"""Shared test helpers: the secret scanner used by every leak test."""

from __future__ import annotations

from collections.abc import Iterable


def find_secrets(text: str, secrets: Iterable[str]) -> list[str]:
    """The secrets (shown by prefix only) that occur in ``text``."""
    return [s[:6] + "…" for s in secrets if s and s in text]
