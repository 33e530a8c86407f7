"""Credential values: a frozen snapshot whose repr never shows the secret or the token."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

__all__ = ["Clock", "CredentialSnapshot", "mask_key", "utcnow"]

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    """The real clock: an aware UTC datetime."""
    return datetime.now(UTC)


def mask_key(access_key_id: str) -> str:
    """``ASIA1234…``: the access key id prefix, the most any output shows."""
    return f"{access_key_id[:8]}…" if access_key_id else "(none)"


@dataclass(frozen=True, slots=True)
class CredentialSnapshot:
    """One set of temporary credentials, all from the same AssumeRole call.

    ``secret_key`` and ``token`` are excluded from repr and comparison output; read them
    only to hand them to another program.
    """

    access_key_id: str
    secret_key: str = field(repr=False)
    token: str = field(repr=False)
    expiry: datetime
    role_arn: str

    def remaining(self, now: datetime) -> float:
        """Seconds until expiry."""
        return (self.expiry - now).total_seconds()

    def to_botocore(self) -> dict[str, str]:
        """The metadata dict botocore's ``RefreshableCredentials`` expects."""
        return {
            "access_key": self.access_key_id,
            "secret_key": self.secret_key,
            "token": self.token,
            "expiry_time": self.expiry.isoformat(),
        }

    def __repr__(self) -> str:
        return (
            f"CredentialSnapshot(access_key_id={mask_key(self.access_key_id)!r}, "
            f"expiry={self.expiry.isoformat()!r}, role_arn={self.role_arn!r})"
        )

    __str__ = __repr__
