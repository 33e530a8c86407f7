"""Collect the policies that decide a role's S3 access, as far as the role may read them.

Identity policies (inline and attached), the permissions boundary, and bucket policies
come from IAM/S3 calls made *as the role*; whatever it may not read is recorded as not
visible, so the verdict can say it is partial. The session policy is the one the SDK
itself attached.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

__all__ = ["GatheredPolicies", "gather_policies"]


@dataclass(frozen=True, slots=True)
class GatheredPolicies:
    """Policy documents in play for one role, and what could not be seen."""

    identity: tuple[tuple[str, dict[str, Any]], ...] = ()
    boundary: tuple[tuple[str, dict[str, Any]], ...] | None = None
    session: dict[str, Any] | None = None
    bucket_policies: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    not_visible: tuple[str, ...] = ()

    @property
    def partial(self) -> bool:
        """Whether some policy could not be read."""
        return bool(self.not_visible)


def _doc(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        return dict(json.loads(unquote(value)))
    return dict(value)


def _code(exc: Exception) -> str:
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", type(exc).__name__))


def _policy_version(iam: Any, arn: str) -> dict[str, Any]:
    pol = iam.get_policy(PolicyArn=arn)["Policy"]
    version = iam.get_policy_version(PolicyArn=arn, VersionId=pol["DefaultVersionId"])
    return _doc(version["PolicyVersion"]["Document"])


def gather_policies(
    *, iam: Any, s3: Any, role_name: str, buckets: list[str], session_policy: str | None
) -> GatheredPolicies:
    """Read what ``iam``/``s3`` (clients as the role) may see of the role's policies."""
    from botocore.exceptions import BotoCoreError, ClientError

    failures = (ClientError, BotoCoreError)
    identity: list[tuple[str, dict[str, Any]]] = []
    hidden: list[str] = []
    boundary: list[tuple[str, dict[str, Any]]] | None = None
    try:
        role = iam.get_role(RoleName=role_name)["Role"]
        pb = role.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn")
        if pb:
            try:
                boundary = [(pb.rsplit("/", 1)[-1], _policy_version(iam, pb))]
            except failures as exc:
                hidden.append(f"permissions boundary {pb} ({_code(exc)})")
    except failures as exc:
        hidden.append(f"role {role_name} and its permissions boundary (iam:GetRole: {_code(exc)})")
    try:
        for name in iam.list_role_policies(RoleName=role_name)["PolicyNames"]:
            try:
                doc = iam.get_role_policy(RoleName=role_name, PolicyName=name)["PolicyDocument"]
                identity.append((name, _doc(doc)))
            except failures as exc:
                hidden.append(f"inline policy {name} ({_code(exc)})")
    except failures as exc:
        hidden.append(f"inline policies (iam:ListRolePolicies: {_code(exc)})")
    try:
        attached = iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"]
        for item in attached:
            try:
                identity.append((item["PolicyName"], _policy_version(iam, item["PolicyArn"])))
            except failures as exc:
                hidden.append(f"managed policy {item['PolicyName']} ({_code(exc)})")
    except failures as exc:
        hidden.append(f"attached policies (iam:ListAttachedRolePolicies: {_code(exc)})")
    bucket_policies: dict[str, dict[str, Any] | None] = {}
    for bucket in dict.fromkeys(buckets):
        try:
            bucket_policies[bucket] = _doc(s3.get_bucket_policy(Bucket=bucket)["Policy"])
        except failures as exc:
            if _code(exc) == "NoSuchBucketPolicy":
                bucket_policies[bucket] = None
            else:
                hidden.append(f"bucket policy of {bucket} ({_code(exc)})")
    return GatheredPolicies(
        identity=tuple(identity),
        boundary=None if boundary is None else tuple(boundary),
        session=None if session_policy is None else _doc(session_policy),
        bucket_policies=bucket_policies,
        not_visible=tuple(hidden),
    )
