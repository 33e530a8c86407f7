"""Which roles a user may pick, which one is in effect and why (pure, no I/O).

QDS semantics: a per-user IAM role override replaces the account role for that user,
so it is the default; without one the account role applies. ``locked = true`` takes the
account role away from the user's choices. The dual role belongs to cluster instances
and is never a choice from a notebook.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

from qds_notebook.arns import role_session_name, validate_duration
from qds_notebook.config import AccountConfig, RoleSpec
from qds_notebook.errors import ConfigError, RoleNotAllowed
from qds_notebook.locations import DefaultLocation
from qds_notebook.templates import OBJECT_RW

__all__ = [
    "SCOPES",
    "EffectiveRole",
    "RoleChoice",
    "RoleKind",
    "choices",
    "resolve",
    "scope_policy",
]

RoleKind = Literal["override", "account"]
SCOPES = ("default_location",)


@dataclass(frozen=True, slots=True)
class RoleChoice:
    """A role the user may pick."""

    kind: RoleKind
    arn: str
    external_id: str | None
    duration_seconds: int

    @property
    def name(self) -> str:
        """The role name, last segment of the ARN."""
        return self.arn.rsplit("/", 1)[-1]

    @property
    def label(self) -> str:
        """``"override: alice-analyst"``."""
        return f"{self.kind}: {self.name}"

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True, slots=True)
class EffectiveRole:
    """The role in effect, why, and how it is assumed.

    Attributes
    ----------
    kind
        ``"override"`` or ``"account"``.
    arn
        The role ARN.
    reason
        Why this role is in effect, e.g. ``"override for alice@acme.com"``.
    session_name
        The RoleSessionName, derived from the user.
    scope
        ``"default_location"`` when a session policy narrows S3 to the default location.
    """

    kind: RoleKind
    arn: str
    reason: str
    user: str
    external_id: str | None
    duration_seconds: int
    session_name: str
    scope: str | None = None

    @property
    def name(self) -> str:
        """The role name, last segment of the ARN."""
        return self.arn.rsplit("/", 1)[-1]

    @property
    def account(self) -> str:
        """The AWS account that owns the role."""
        return self.arn.split(":")[4]

    @property
    def session_arn(self) -> str:
        """The assumed-role ARN STS will report for this session."""
        return f"arn:aws:sts::{self.account}:assumed-role/{self.name}/{self.session_name}"

    @property
    def key(self) -> tuple[str, str | None, str, int, str | None]:
        """What makes two effective roles share credentials."""
        return (self.arn, self.external_id, self.session_name, self.duration_seconds, self.scope)

    def __str__(self) -> str:
        scope = f", scoped to {self.scope}" if self.scope else ""
        return f"{self.kind}: {self.name} ({self.reason}{scope})"


def _choice(kind: RoleKind, spec: RoleSpec, config: AccountConfig) -> RoleChoice:
    return RoleChoice(
        kind=kind,
        arn=spec.arn,
        external_id=spec.external_id,
        duration_seconds=spec.duration_seconds or config.duration_seconds,
    )


def choices(config: AccountConfig) -> tuple[RoleChoice, ...]:
    """The roles the configured user may pick, the default first."""
    spec = config.user_spec
    out: list[RoleChoice] = []
    if spec.role is not None:
        out.append(_choice("override", spec.role, config))
    if not spec.locked:
        out.append(_choice("account", config.role, config))
    return tuple(out)


def resolve(
    config: AccountConfig,
    wanted: str | None = None,
    *,
    scope: str | None = None,
    duration_seconds: int | None = None,
) -> EffectiveRole:
    """Pick the effective role.

    Parameters
    ----------
    config
        The resolved account configuration.
    wanted
        ``None`` for the default, ``"override"``, ``"account"``, or the ARN of one of the
        user's own choices.
    scope
        ``"default_location"`` to attach a session policy limiting S3 to the default location.
    duration_seconds
        Session length; default the role's, else the account's.

    Raises
    ------
    RoleNotAllowed
        If ``wanted`` is not one of the user's choices.
    ConfigError
        If ``scope`` or ``duration_seconds`` is invalid.
    """
    options = choices(config)
    user = config.user
    if scope is not None and scope not in SCOPES:
        raise ConfigError(
            f"unknown scope {scope!r}", key="scope", hint=f"use one of: {', '.join(SCOPES)}"
        )
    if wanted is None:
        picked = options[0]
        reason = (
            f"override for {user}"
            if picked.kind == "override"
            else f"account role; {user} has no override"
        )
    else:
        match = [c for c in options if wanted in (c.kind, c.arn)]
        if not match:
            names = ", ".join(c.kind for c in options)
            if wanted == "account" and config.user_spec.locked:
                msg = f"{user} is locked to their override and may not use the account role"
            elif wanted == "override":
                msg = f"{user} has no role override"
            else:
                msg = f"{wanted!r} is not one of {user}'s roles"
            raise RoleNotAllowed(msg, requested=wanted, user=user, hint=f"choose one of: {names}")
        picked = match[0]
        reason = f"{picked.kind} role chosen by {user}"
        if picked is options[0]:
            reason = f"override for {user}" if picked.kind == "override" else reason
    duration = picked.duration_seconds
    if duration_seconds is not None:
        duration = validate_duration(duration_seconds, key="duration_seconds")
    return EffectiveRole(
        kind=picked.kind,
        arn=picked.arn,
        reason=reason,
        user=user,
        external_id=picked.external_id,
        duration_seconds=duration,
        session_name=role_session_name(user),
        scope=scope,
    )


def scope_policy(location: DefaultLocation) -> str:
    """The session policy limiting S3 to ``location``, packed JSON.

    Non-S3 actions stay as the role allows them (a session policy can only narrow).
    """
    bucket_arn = f"arn:aws:s3:::{location.bucket}"
    doc = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DefaultLocationObjects",
                "Effect": "Allow",
                "Action": OBJECT_RW,
                "Resource": f"{bucket_arn}/{location.prefix}*",
            },
            {
                "Sid": "DefaultLocationList",
                "Effect": "Allow",
                "Action": "s3:ListBucket",
                "Resource": bucket_arn,
                "Condition": {"StringLike": {"s3:prefix": [f"{location.prefix}*"]}},
            },
            {
                "Sid": "DefaultLocationBucket",
                "Effect": "Allow",
                "Action": ["s3:GetBucketLocation", "s3:ListAllMyBuckets"],
                "Resource": "*",
            },
            {"Sid": "EverythingButS3", "Effect": "Allow", "NotAction": "s3:*", "Resource": "*"},
        ],
    }
    return json.dumps(doc, separators=(",", ":"))
