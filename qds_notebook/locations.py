"""The account's default S3 location and path resolution under it (pure, no I/O).

Relative paths resolve under the default location; ``..`` may not climb out of it;
a full ``s3://`` URI is used as given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qds_notebook.errors import ConfigError, PathError

__all__ = ["DefaultLocation", "S3Location", "parse_default_location", "parse_s3_uri"]

# S3 bucket naming rules: 3-63 chars, lowercase letters, digits, dots and hyphens,
# starting and ending with a letter or digit, not shaped like an IP address.
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_IP_LIKE = re.compile(r"^\d+\.\d+\.\d+\.\d+$")


@dataclass(frozen=True, slots=True)
class S3Location:
    """A bucket and key (or key prefix)."""

    bucket: str
    key: str = ""

    @property
    def uri(self) -> str:
        """The ``s3://bucket/key`` form."""
        return f"s3://{self.bucket}/{self.key}"

    @property
    def arn(self) -> str:
        """The S3 resource ARN (object ARN when there is a key, else the bucket ARN)."""
        return f"arn:aws:s3:::{self.bucket}/{self.key}" if self.key else self.bucket_arn

    @property
    def bucket_arn(self) -> str:
        """The bucket's ARN."""
        return f"arn:aws:s3:::{self.bucket}"

    @property
    def fs_path(self) -> str:
        """The ``bucket/key`` form s3fs uses."""
        return f"{self.bucket}/{self.key}".rstrip("/") if self.key else self.bucket

    def __str__(self) -> str:
        return self.uri


def _check_bucket(bucket: str) -> bool:
    return bool(_BUCKET.match(bucket)) and not _IP_LIKE.match(bucket) and ".." not in bucket


def parse_s3_uri(uri: str) -> S3Location:
    """Parse ``s3://bucket/key``.

    Raises
    ------
    PathError
        If ``uri`` is not an ``s3://`` URI with a valid bucket name or holds ``..`` segments.
    """
    if not uri.startswith("s3://"):
        raise PathError(f"{uri!r} is not an s3:// URI", hint="write s3://bucket/key")
    bucket, _, key = uri[5:].partition("/")
    if not _check_bucket(bucket):
        raise PathError(
            f"{uri!r}: {bucket!r} is not a valid S3 bucket name",
            hint="bucket names are 3-63 lowercase letters, digits, dots and hyphens",
        )
    if any(part == ".." for part in key.split("/")):
        raise PathError(f"{uri!r} contains '..'", hint="write the full key without '..'")
    return S3Location(bucket=bucket, key=key)


@dataclass(frozen=True, slots=True)
class DefaultLocation:
    """The account's default S3 location ("defloc"), always a prefix ending in ``/``."""

    bucket: str
    prefix: str

    @property
    def uri(self) -> str:
        """``s3://bucket/prefix/``."""
        return f"s3://{self.bucket}/{self.prefix}"

    @property
    def location(self) -> S3Location:
        """The default location as an :class:`S3Location`."""
        return S3Location(bucket=self.bucket, key=self.prefix)

    def __str__(self) -> str:
        return self.uri

    def contains(self, location: S3Location) -> bool:
        """Whether ``location`` lies under the default location."""
        return location.bucket == self.bucket and location.key.startswith(self.prefix)

    def resolve(self, path: str) -> S3Location:
        """Resolve ``path`` to an S3 location.

        Parameters
        ----------
        path
            A path relative to the default location (``"sales/2024.csv"``) or a full
            ``s3://`` URI, used as given.

        Raises
        ------
        PathError
            If a relative path is empty, absolute, or climbs out with ``..``.
        """
        if not isinstance(path, str):
            raise PathError(f"path must be a string, got {type(path).__name__}")
        if "://" in path:
            return parse_s3_uri(path)
        if path.startswith("/"):
            raise PathError(
                f"{path!r} is absolute",
                hint=f"give a path relative to {self.uri} or a full s3:// URI",
            )
        parts: list[str] = []
        for part in path.split("/"):
            if part in ("", "."):
                continue
            if part == "..":
                if not parts:
                    raise PathError(
                        f"{path!r} escapes the default location {self.uri}",
                        hint="remove the '..' or give a full s3:// URI if you mean another place",
                    )
                parts.pop()
            else:
                parts.append(part)
        joined = self.prefix + "/".join(parts)
        if parts and path.endswith("/"):
            joined += "/"
        return S3Location(bucket=self.bucket, key=joined)


def parse_default_location(value: object, *, key: str) -> DefaultLocation:
    """Parse the account's default location (``s3://bucket/prefix/``).

    Raises
    ------
    ConfigError
        Naming ``key`` when the value is not a valid S3 URI.
    """
    if not isinstance(value, str):
        raise ConfigError(
            f"{key}: default location must be a string like s3://bucket/prefix/", key=key
        )
    try:
        loc = parse_s3_uri(value)
    except PathError as exc:
        raise ConfigError(f"{key}: {exc.message}", key=key, hint=exc.hint) from None
    prefix = loc.key.strip("/")
    if "//" in loc.key.strip("/"):
        raise ConfigError(f"{key}: {value!r} has an empty path segment", key=key)
    return DefaultLocation(bucket=loc.bucket, prefix=f"{prefix}/" if prefix else "")
