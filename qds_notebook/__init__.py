"""qds_notebook: IAM roles on a QDS-style data platform, from notebooks and scripts.

``import qds_notebook`` is light: boto3, s3fs, pandas and ipywidgets load only when a
call needs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qds_notebook.errors import (
    AccessDenied,
    AssumeRoleDenied,
    BaseCredentialsError,
    ConfigError,
    CredentialError,
    CredentialRefreshError,
    ObjectNotFound,
    PathError,
    PolicyError,
    QdsError,
    RoleNotAllowed,
    SandboxError,
    StorageError,
)

if TYPE_CHECKING:
    from qds_notebook.session import Session

__version__ = "0.1.0"

__all__ = [
    "AccessDenied",
    "AssumeRoleDenied",
    "BaseCredentialsError",
    "ConfigError",
    "CredentialError",
    "CredentialRefreshError",
    "ObjectNotFound",
    "PathError",
    "PolicyError",
    "QdsError",
    "RoleNotAllowed",
    "SandboxError",
    "Session",
    "StorageError",
    "__version__",
    "connect",
    "load_ipython_extension",
    "panel",
    "redact",
    "unload_ipython_extension",
]


def connect(
    *,
    user: str | None = None,
    config: str | None = None,
    profile: str | None = None,
    **overrides: Any,
) -> Session:
    """Open a session for ``user`` on the configured account.

    Parameters
    ----------
    user
        The platform user (e.g. ``"alice@acme.com"``); default ``$QDS_USER``, else the login name.
    config
        Path of the account config TOML; default ``$QDS_CONFIG``, else
        ``~/.config/qds/config.toml``.
    profile
        AWS profile for the base credentials; default the standard credential chain.
    **overrides
        Any of ``role_arn``, ``external_id``, ``default_location``, ``region``,
        ``endpoint_url``, ``duration_seconds``, ``cache_dir``, ``account_name``; these beat
        environment and file. Also ``scope="default_location"``.

    Returns
    -------
    Session
        With the user's effective role selected (their override if they have one).
    """
    from qds_notebook.session import Session

    return Session.connect(user=user, config=config, profile=profile, **overrides)


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext qds_notebook``: register the ``%qds`` magics (imports stay light)."""
    from qds_notebook.notebook.magics import load

    load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    """``%unload_ext qds_notebook``."""
    from qds_notebook.notebook.magics import unload

    unload(ipython)


def panel(session: Session | None = None, **kwargs: Any) -> Any:
    """The role panel (ipywidgets) for ``session`` (default: ``connect(**kwargs)``)."""
    from qds_notebook.notebook.panel import RolePanel

    return RolePanel(session or connect(**kwargs))


def redact(text: str) -> str:
    """``text`` with every secret this process holds, and secret-shaped fields, masked."""
    from qds_notebook.aws.redact import redact as mask

    return mask(text)


def __getattr__(name: str) -> Any:
    if name == "Session":
        from qds_notebook.session import Session

        return Session
    if name == "sandbox":
        import importlib

        return importlib.import_module("qds_notebook.sandbox")
    raise AttributeError(f"module 'qds_notebook' has no attribute {name!r}")
