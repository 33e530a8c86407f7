"""boto3 sessions, aiobotocore sessions and s3fs filesystems over shared role credentials.

Each builder takes a :class:`RoleCredentialSource` and registers its refreshable
credentials through botocore's public credential-provider component, so every client
made from the result refreshes by itself and no handle ever freezes a key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qds_notebook.aws.credentials import RoleCredentialSource

__all__ = [
    "Endpoint",
    "aio_session",
    "base_boto3_session",
    "boto3_session",
    "s3_filesystem",
    "s3_storage_options",
    "session_storage_options",
]


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where AWS calls go: region, optional endpoint URL (the sandbox), retry policy."""

    region: str
    url: str | None = None
    max_attempts: int = 5
    connect_timeout: float = 10.0
    read_timeout: float = 60.0

    def botocore_config(self) -> Any:
        """A botocore ``Config`` with standard retries (throttling backs off, not surfaced)."""
        from botocore.config import Config

        return Config(
            region_name=self.region,
            retries={"mode": "standard", "total_max_attempts": self.max_attempts},
            connect_timeout=self.connect_timeout,
            read_timeout=self.read_timeout,
        )

    def config_kwargs(self) -> dict[str, Any]:
        """The same settings as s3fs ``config_kwargs``."""
        return {
            "retries": {"mode": "standard", "total_max_attempts": self.max_attempts},
            "connect_timeout": self.connect_timeout,
            "read_timeout": self.read_timeout,
        }


class _Provider:
    """A credential provider handing out one source's refreshable credentials."""

    METHOD = "qds-assume-role"
    CANONICAL_NAME = "qds-assume-role"

    def __init__(self, source: RoleCredentialSource) -> None:
        self._source = source

    def load(self) -> Any:
        return self._source.botocore_credentials()


class _AioProvider(_Provider):
    async def load(self) -> Any:
        return self._source.aio_credentials()


def _endpoint_session_class() -> type:
    import boto3

    class QdsBoto3Session(boto3.Session):  # type: ignore[misc]
        """A standard ``boto3.Session`` whose clients default to the account's endpoint."""

        qds_endpoint: str | None = None

        def client(self, *args: Any, **kwargs: Any) -> Any:
            if self.qds_endpoint:
                kwargs.setdefault("endpoint_url", self.qds_endpoint)
            return super().client(*args, **kwargs)

        def resource(self, *args: Any, **kwargs: Any) -> Any:
            if self.qds_endpoint:
                kwargs.setdefault("endpoint_url", self.qds_endpoint)
            return super().resource(*args, **kwargs)

    return QdsBoto3Session


_SESSION_CLASS: type | None = None


def _wrap(botocore_session: Any, endpoint: Endpoint) -> Any:
    global _SESSION_CLASS
    if _SESSION_CLASS is None:
        _SESSION_CLASS = _endpoint_session_class()
    ses = _SESSION_CLASS(botocore_session=botocore_session, region_name=endpoint.region)
    ses.qds_endpoint = endpoint.url
    return ses


def base_boto3_session(*, profile: str | None, endpoint: Endpoint, **keys: Any) -> Any:
    """The base (platform) session: standard credential chain, or the profile/keys given."""
    import botocore.session

    bs = botocore.session.Session(profile=profile)
    if keys:
        bs.set_credentials(
            keys["aws_access_key_id"], keys["aws_secret_access_key"], keys.get("aws_session_token")
        )
    return _wrap(bs, endpoint)


def boto3_session(source: RoleCredentialSource, *, endpoint: Endpoint) -> Any:
    """A ``boto3.Session`` whose credentials are ``source``'s refreshing credentials."""
    import botocore.credentials
    import botocore.session

    bs = botocore.session.Session()
    bs.register_component(
        "credential_provider", botocore.credentials.CredentialResolver([_Provider(source)])
    )
    return _wrap(bs, endpoint)


def aio_session(source: RoleCredentialSource) -> Any:
    """An aiobotocore ``AioSession`` whose credentials are ``source``'s."""
    from aiobotocore.credentials import AioCredentialResolver
    from aiobotocore.session import AioSession

    ses = AioSession()
    ses.register_component("credential_provider", AioCredentialResolver([_AioProvider(source)]))
    return ses


def s3_storage_options(source: RoleCredentialSource, *, endpoint: Endpoint) -> dict[str, Any]:
    """s3fs constructor options carrying the refreshing session, never a key."""
    return session_storage_options(aio_session(source), endpoint=endpoint)


def session_storage_options(session: Any, *, endpoint: Endpoint) -> dict[str, Any]:
    """s3fs constructor options around an aiobotocore ``session`` (no instance cache)."""
    options: dict[str, Any] = {
        "session": session,
        "skip_instance_cache": True,
        "client_kwargs": {"region_name": endpoint.region},
        "config_kwargs": endpoint.config_kwargs(),
    }
    if endpoint.url:
        options["endpoint_url"] = endpoint.url
    return options


def s3_filesystem(source: RoleCredentialSource, *, endpoint: Endpoint) -> Any:
    """A fresh ``s3fs.S3FileSystem`` (never an instance-cache hit) on ``source``'s role."""
    import s3fs

    return s3fs.S3FileSystem(**s3_storage_options(source, endpoint=endpoint))
