"""Validation of the identifiers the account configuration is made of (pure, no I/O).

Role ARNs, External IDs, role session names and S3 URIs, each checked against the
rules STS, IAM and S3 document, so a bad value fails at load time with the key named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qds_notebook.errors import ConfigError

__all__ = [
    "RoleArn",
    "parse_role_arn",
    "role_session_name",
    "validate_duration",
    "validate_external_id",
]

_ROLE_ARN = re.compile(
    r"^arn:(?P<partition>aws|aws-cn|aws-us-gov):iam::(?P<account>\d{12}):role/"
    r"(?P<path>(?:[\x21-\x7e]+/)*)?(?P<name>[\w+=,.@-]{1,64})$",
    re.ASCII,
)
_EXTERNAL_ID = re.compile(r"^[\w+=,.@:/-]{2,1224}$", re.ASCII)
_SESSION_CHARS = re.compile(r"[^\w+=,.@-]+", re.ASCII)
MIN_DURATION = 900
MAX_DURATION = 43200


@dataclass(frozen=True, slots=True)
class RoleArn:
    """A parsed IAM role ARN."""

    arn: str
    partition: str
    account: str
    name: str


def parse_role_arn(value: object, *, key: str) -> RoleArn:
    """Parse an IAM role ARN.

    Parameters
    ----------
    value
        The candidate, e.g. ``"arn:aws:iam::123456789012:role/qds-account"``.
    key
        The configuration key it came from, named in the error.

    Raises
    ------
    ConfigError
        If ``value`` is not a role ARN.
    """
    if not isinstance(value, str) or not (m := _ROLE_ARN.match(value)):
        raise ConfigError(
            f"{key}: {value!r} is not an IAM role ARN",
            key=key,
            hint="use the form arn:aws:iam::123456789012:role/NAME",
        )
    return RoleArn(arn=value, partition=m["partition"], account=m["account"], name=m["name"])


def validate_external_id(value: object, *, key: str) -> str:
    """Check an STS External ID: 2-1224 characters of ``[\\w+=,.@:/-]``."""
    if not isinstance(value, str) or not _EXTERNAL_ID.match(value):
        raise ConfigError(
            f"{key}: External ID must be 2-1224 characters of letters, digits and +=,.@:/-_",
            key=key,
            hint="copy the External ID exactly as the platform shows it",
        )
    return value


def validate_duration(value: object, *, key: str) -> int:
    """Check an AssumeRole DurationSeconds: an integer in 900..43200."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(
            f"{key}: duration must be a whole number of seconds, got {value!r}",
            key=key,
            hint=f"use a number between {MIN_DURATION} and {MAX_DURATION}",
        )
    if not MIN_DURATION <= value <= MAX_DURATION:
        raise ConfigError(
            f"{key}: duration {value} s is outside STS's {MIN_DURATION}..{MAX_DURATION} s",
            key=key,
            hint="roles cap sessions at their MaxSessionDuration; 3600 is a safe value",
        )
    return value


def role_session_name(user: str) -> str:
    """Derive a stable, readable RoleSessionName from a user name.

    STS allows 2-64 characters of ``[\\w+=,.@-]``; the name shows up in the caller ARN
    and in CloudTrail, so it keeps the user recognisable: ``alice@acme.com`` becomes
    ``qds-alice-acme.com``. Characters outside the set become ``-``; over-long names
    are cut and end in a short digest of the full user so two long names stay apart.
    """
    import hashlib

    local, _, domain = user.strip().partition("@")
    raw = f"qds-{local}-{domain}" if domain else f"qds-{local}"
    name = _SESSION_CHARS.sub("-", raw).strip("-") or "qds"
    name = re.sub(r"-{2,}", "-", name)
    if len(name) > 64:
        digest = hashlib.sha256(user.encode()).hexdigest()[:8]
        name = f"{name[:55].rstrip('-')}-{digest}"
    if len(name) < 2:
        name = f"qds-{name}"
    return name
