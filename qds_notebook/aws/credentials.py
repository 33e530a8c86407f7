"""Refreshing role credentials shared by every handle of one role.

One :class:`RoleCredentialSource` per effective role holds the current snapshot. The
botocore ``RefreshableCredentials`` (boto3 clients) and aiobotocore
``AioRefreshableCredentials`` (s3fs, pandas) built from it both call
:meth:`RoleCredentialSource.fetch` when their refresh window opens; ``fetch`` re-checks
under a lock and hands back the snapshot another handle already got, so one role costs
one AssumeRole per validity window however many handles, threads and reads use it.

Refresh windows scale with the credential lifetime (botocore's fixed 15/10 minutes
would make a 15-minute credential refresh on every request).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from qds_notebook.aws.cache import CredentialCache
from qds_notebook.aws.redact import register_secret
from qds_notebook.aws.snapshot import Clock, CredentialSnapshot, mask_key, utcnow
from qds_notebook.aws.sts import assume_role
from qds_notebook.errors import CredentialError
from qds_notebook.roles import EffectiveRole

__all__ = ["RefreshWindows", "RoleCredentialSource", "refresh_windows"]

log = logging.getLogger(__name__)

# botocore's own ceilings, kept for long credentials.
_MAX_ADVISORY = 15 * 60
_MAX_MANDATORY = 10 * 60


class RefreshWindows:
    """Seconds before expiry at which refresh is advised and then mandatory."""

    __slots__ = ("advisory", "mandatory")

    def __init__(self, advisory: float, mandatory: float) -> None:
        self.advisory = advisory
        self.mandatory = mandatory

    def __repr__(self) -> str:
        return f"RefreshWindows(advisory={self.advisory:g}, mandatory={self.mandatory:g})"


def refresh_windows(lifetime_seconds: float) -> RefreshWindows:
    """Windows for a credential living ``lifetime_seconds``: a quarter and a tenth of it,
    capped at botocore's 15 and 10 minutes."""
    return RefreshWindows(
        advisory=min(_MAX_ADVISORY, lifetime_seconds / 4),
        mandatory=min(_MAX_MANDATORY, lifetime_seconds / 10),
    )


class RoleCredentialSource:
    """Temporary credentials for one effective role, fetched from STS on demand.

    Parameters
    ----------
    role
        The effective role to assume.
    sts_factory
        Returns a boto3 STS client made from the base credentials.
    policy
        Session policy JSON to attach, if any.
    endpoint
        The STS endpoint, for messages.
    clock
        Returns an aware UTC datetime; injected so tests can move time.
    cache
        Optional disk cache of temporary credentials.
    """

    def __init__(
        self,
        role: EffectiveRole,
        *,
        sts_factory: Callable[[], Any],
        policy: str | None = None,
        endpoint: str | None = None,
        clock: Clock = utcnow,
        cache: CredentialCache | None = None,
    ) -> None:
        self.role = role
        self.policy = policy
        self.endpoint = endpoint
        self.clock = clock
        self.windows = refresh_windows(role.duration_seconds)
        self._sts_factory = sts_factory
        self._sts: Any = None
        self._cache = cache
        self._lock = threading.Lock()
        self._current: CredentialSnapshot | None = None
        self._botocore: Any = None
        self._aio: Any = None
        self._failed_at: datetime | None = None
        self._last_error: CredentialError | None = None

    def _usable(self) -> bool:
        """Whether the current credentials may still serve (outside the mandatory window)."""
        cur = self._current
        return cur is not None and cur.remaining(self.clock()) > self.windows.mandatory

    def _backing_off(self) -> bool:
        if self._failed_at is None or not self._usable():
            return False  # nothing usable, or mandatory window: always try
        pause = min(30.0, self.windows.advisory / 10)
        return (self.clock() - self._failed_at).total_seconds() < pause

    def __repr__(self) -> str:
        held = mask_key(self._current.access_key_id) if self._current else "none yet"
        return f"<RoleCredentialSource {self.role.arn} ({held})>"

    @property
    def current(self) -> CredentialSnapshot | None:
        """The snapshot held now (no I/O)."""
        return self._current

    def _fresh(self, snap: CredentialSnapshot | None) -> bool:
        return snap is not None and snap.remaining(self.clock()) > self.windows.advisory

    def fetch(self, *, force: bool = False) -> CredentialSnapshot:
        """The current snapshot, calling AssumeRole only if its advisory window has opened.

        Two windows, as botocore has them: in the advisory window a failed AssumeRole is
        logged and the current credentials keep serving (STS is not retried for a short
        pause); in the mandatory window, or with nothing to serve, the failure is raised.

        Raises
        ------
        CredentialError
            When STS fails; a :class:`CredentialRefreshError` names role and endpoint.
        """
        if not force and self._fresh(snap := self._current):
            assert snap is not None
            return snap
        with self._lock:
            if not force and self._fresh(self._current):
                assert self._current is not None
                return self._current
            if not force and self._backing_off():
                # STS just failed and the current credentials are still good: do not hammer
                # it on every request; the holders keep using what they have.
                assert self._current is not None
                return self._current
            key = (*self.role.key, self.policy)
            if not force and self._cache is not None:
                cached = self._cache.load(key)
                if self._fresh(cached):
                    assert cached is not None
                    register_secret(cached.secret_key, cached.token)
                    self._current = cached
                    return cached
            if self._sts is None:
                self._sts = self._sts_factory()
            try:
                snap = assume_role(
                    self._sts,
                    self.role,
                    policy=self.policy,
                    endpoint=self.endpoint,
                    clock=self.clock,
                )
            except CredentialError as exc:
                self._failed_at, self._last_error = self.clock(), exc
                if self._usable():
                    # Advisory window: keep serving the current credentials (botocore's rule).
                    log.warning(
                        "advisory refresh of %s failed, keeping the current credentials: %s",
                        self.role.arn,
                        exc,
                    )
                    assert self._current is not None
                    return self._current
                log.warning("AssumeRole on %s failed: %s", self.role.arn, exc)
                raise
            self._failed_at, self._last_error = None, None
            register_secret(snap.secret_key, snap.token)
            log.debug("assumed %s as %s", self.role.arn, mask_key(snap.access_key_id))
            self._current = snap
            if self._cache is not None:
                self._cache.store(key, snap)
            return snap

    def _metadata(self) -> dict[str, str]:
        return self.fetch().to_botocore()

    def _initial(self) -> dict[str, Any]:
        snap = self.fetch()
        return {
            "access_key": snap.access_key_id,
            "secret_key": snap.secret_key,
            "token": snap.token,
            "expiry_time": snap.expiry,
            "method": "qds-assume-role",
            "time_fetcher": self.clock,
            "advisory_timeout": self.windows.advisory,
            "mandatory_timeout": self.windows.mandatory,
        }

    def botocore_credentials(self) -> Any:
        """The one botocore ``RefreshableCredentials`` for this role."""
        from botocore.credentials import RefreshableCredentials

        if self._botocore is None:
            self._botocore = RefreshableCredentials(refresh_using=self._metadata, **self._initial())
        return self._botocore

    def aio_credentials(self) -> Any:
        """The one aiobotocore ``AioRefreshableCredentials`` for this role."""
        from aiobotocore.credentials import AioRefreshableCredentials

        if self._aio is None:

            async def refresh() -> dict[str, str]:
                # STS is called with the blocking client; keep the event loop free.
                return await asyncio.to_thread(self._metadata)

            self._aio = AioRefreshableCredentials(refresh_using=refresh, **self._initial())
        return self._aio
