"""The package's one exception tree.

Every error qds_notebook raises derives from :class:`QdsError`. Subclasses carry the
facts as attributes and mix in the builtin that fits, so ``except PermissionError``
still works for code that knows nothing of this package::

    QdsError
    ├── ConfigError (ValueError)            bad or missing account configuration
    ├── RoleNotAllowed (PermissionError)    use() asked for a role that is not the user's
    ├── PathError (ValueError)              a path escapes the default location / is not S3
    ├── CredentialError                     getting or refreshing credentials failed
    │   ├── BaseCredentialsError            base (platform) credentials missing/invalid/expired
    │   ├── AssumeRoleDenied (PermissionError)   STS refused AssumeRole
    │   └── CredentialRefreshError          STS unreachable / failed when a refresh was due
    ├── AccessDenied (PermissionError)      S3 refused a read or write under the effective role
    ├── ObjectNotFound (FileNotFoundError)  no object at that S3 path
    ├── StorageError (OSError)              S3 failed otherwise (throttled, unreachable, reset)
    ├── PolicyError (ValueError)            a policy document or evaluation request is malformed
    └── SandboxError (RuntimeError)         the embedded moto sandbox could not start

Every message is one line that says what was wrong and how to fix it (the ``hint``).
No message ever contains a secret access key or a session token.
"""

from __future__ import annotations

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
    "StorageError",
]


class QdsError(Exception):
    """Root of every error raised by qds_notebook.

    Parameters
    ----------
    message
        What went wrong, one line.
    hint
        How to fix it, one line; appended to ``str(error)``.
    """

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """The message and its hint on one line."""
        text = self.message if not self.hint else f"{self.message} (hint: {self.hint})"
        return " ".join(text.split())


class ConfigError(QdsError, ValueError):
    """The account configuration is invalid; ``key`` names the offending setting."""

    def __init__(self, message: str, *, key: str | None = None, hint: str | None = None) -> None:
        self.key = key
        super().__init__(message, hint=hint)


class RoleNotAllowed(QdsError, PermissionError):
    """The user asked for a role that is not among their choices."""

    def __init__(self, message: str, *, requested: str, user: str, hint: str | None = None) -> None:
        self.requested = requested
        self.user = user
        super().__init__(message, hint=hint)


class PathError(QdsError, ValueError):
    """A path is not an S3 location or escapes the default location."""


class CredentialError(QdsError):
    """Getting or refreshing temporary credentials failed."""


class BaseCredentialsError(CredentialError):
    """The base AWS credentials (the platform principal) are missing, invalid or expired."""


class AssumeRoleDenied(CredentialError, PermissionError):
    """STS refused ``AssumeRole``; ``role_arn`` and ``caller_arn`` say who asked for what."""

    def __init__(
        self,
        message: str,
        *,
        role_arn: str,
        caller_arn: str | None,
        code: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.role_arn = role_arn
        self.caller_arn = caller_arn
        self.code = code
        super().__init__(message, hint=hint)


class CredentialRefreshError(CredentialError):
    """STS could not be reached or failed while a credential refresh was mandatory."""

    def __init__(
        self, message: str, *, role_arn: str, endpoint: str | None, hint: str | None = None
    ) -> None:
        self.role_arn = role_arn
        self.endpoint = endpoint
        super().__init__(message, hint=hint)


class AccessDenied(QdsError, PermissionError):
    """S3 refused a call made with the effective role."""

    def __init__(
        self,
        message: str,
        *,
        action: str,
        resource: str,
        role_arn: str,
        decided_by: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.action = action
        self.resource = resource
        self.role_arn = role_arn
        self.decided_by = decided_by
        super().__init__(message, hint=hint)


class ObjectNotFound(QdsError, FileNotFoundError):
    """No object or prefix exists at the S3 path."""


class StorageError(QdsError, OSError):
    """An S3 call failed for a reason other than permissions or a missing object."""


class PolicyError(QdsError, ValueError):
    """A policy document or an evaluation request is malformed."""


class SandboxError(QdsError, RuntimeError):
    """The embedded sandbox could not be started or seeded."""
