"""One small function per ``%qds`` subcommand; each returns a value that displays well.

These call only the public SDK (:class:`qds_notebook.Session`) and never print. The
magics and the panel share them, so ``%qds env`` and the panel's "Export to environment"
button do the same thing.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping, Sequence
from typing import TYPE_CHECKING, Any

from qds_notebook.errors import QdsError
from qds_notebook.notebook.display import (
    ConfigView,
    CredsView,
    EnvView,
    ListingView,
    RoleRow,
    RolesView,
    SettingRow,
    StatusView,
)

if TYPE_CHECKING:
    from qds_notebook.session import Session

__all__ = [
    "ENV_NAMES",
    "check",
    "compare",
    "config",
    "creds",
    "env",
    "exported",
    "ls",
    "read",
    "roles",
    "status",
    "use",
]

#: What ``%qds env`` may set; ``AWS_ENDPOINT_URL`` only when the account configures one.
ENV_NAMES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL",
)


def _mask(access_key_id: str) -> str:
    return f"{access_key_id[:8]}\u2026" if access_key_id else "(none)"


def status(ses: Session) -> StatusView:
    """Account, user, effective role (kind, reason), caller ARN, expiry, default location."""
    role = ses.effective_role
    caller = ses.identity().arn  # assumes the role if needed, so expiry is known below
    return StatusView(
        account=ses.config.name,
        user=ses.user,
        role_kind=role.kind,
        role_name=role.name,
        role_arn=role.arn,
        reason=role.reason,
        scope=role.scope,
        caller_arn=caller,
        expires_in=ses.expires_in(),
        default_location=ses.default_location.uri,
    )


def roles(ses: Session) -> RolesView:
    """The user's choices, the effective one marked."""
    current = ses.effective_role.arn
    rows = tuple(RoleRow(c.kind, c.name, c.arn, c.arn == current) for c in ses.choices())
    return RolesView(user=ses.user, roles=rows)


def use(
    ses: Session, role: str, *, scope: str | None = None, duration_seconds: int | None = None
) -> StatusView:
    """Switch the effective role, then show the new status."""
    ses.use(role, scope=scope, duration_seconds=duration_seconds)
    return status(ses)


def creds(ses: Session) -> CredsView:
    """Assume the effective role again now; shows the key id prefix and expiry only."""
    snap = ses.refresh()
    remaining = ses.expires_in()
    return CredsView(
        role_arn=snap.role_arn,
        key_prefix=_mask(snap.access_key_id),
        expiry=snap.expiry,
        expires_in=0.0 if remaining is None else remaining,
    )


# What the exported names held before the first export (often the kernel's base
# credentials), per target mapping, so ``--unset`` gives them back instead of deleting them.
_saved: dict[int, dict[str, str | None]] = {}


def exported(environ: MutableMapping[str, str] | None = None) -> bool:
    """Whether ``environ`` (default ``os.environ``) holds credentials ``env`` exported."""
    return id(os.environ if environ is None else environ) in _saved


def env(
    ses: Session, *, unset: bool = False, environ: MutableMapping[str, str] | None = None
) -> EnvView:
    """Export the effective role's credentials to ``environ`` (default ``os.environ``).

    Subprocess tools (the AWS CLI, ``s5cmd``…) then act as the effective role. These are
    a snapshot: they do not refresh, so run it again after they expire. ``unset=True``
    restores what the names held before the first export. Only the names are returned.
    """
    target = os.environ if environ is None else environ
    if unset:
        saved = _saved.pop(id(target), {})
        names = tuple(n for n in ENV_NAMES if n in saved)
        for name in names:
            old = saved[name]
            if old is None:
                target.pop(name, None)
            else:
                target[name] = old
        return EnvView(names=names, unset=True)
    from qds_notebook.interop import env_vars

    snap = ses.credentials()
    values = env_vars(snap, region=ses.config.region, endpoint_url=ses.config.endpoint_url)
    if not ses.config.endpoint_url:
        # A stale endpoint from an earlier export would point tools at the wrong place.
        target.pop("AWS_ENDPOINT_URL", None)
    _saved.setdefault(id(target), {n: target.get(n) for n in ENV_NAMES})
    target.update(values)
    return EnvView(names=tuple(values), unset=False, role_arn=snap.role_arn)


def ls(ses: Session, path: str = "") -> ListingView:
    """Prefixes and objects directly under ``path`` (default the default location)."""
    return ListingView.of(ses.path(path).uri, ses.ls(path))


def read(ses: Session, path: str, *, format: str | None = None) -> Any:
    """The object (or Parquet dataset prefix) at ``path`` as a DataFrame."""
    return ses.read(path, format=format)


def _sdk(ses: Session, name: str) -> Any:
    method = getattr(ses, name, None)
    if method is None:
        raise QdsError(
            f"this version of qds_notebook has no Session.{name}()",
            hint="upgrade qds_notebook",
        )
    return method


def check(ses: Session, *, write: bool = False, paths: Sequence[str] = ()) -> Any:
    """Probe what the effective role may do (``ses.check``); writes only when asked."""
    return _sdk(ses, "check")(write=write, paths=list(paths))


def compare(ses: Session) -> Any:
    """The override and the account role side by side (``ses.compare``)."""
    return _sdk(ses, "compare")("override", "account")


def config(ses: Session) -> ConfigView:
    """Where each setting came from (argument, env, file, default)."""
    rows = tuple(
        SettingRow(
            name=s.name,
            value=repr(s.value),
            source=s.source,
            detail=s.detail,
            described=s.describe(),
        )
        for s in ses.config.settings
    )
    return ConfigView(path=ses.config.path, settings=rows)
