"""Collect the policies that decide a role's S3 access, as far as the role may read them.

Identity policies (inline and attached), the permissions boundary, and bucket policies
come from IAM/S3 calls made *as the role*; whatever it may not read is recorded as not
visible, so the verdict can say it is partial. The session policy is the one the SDK
itself attached.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

__all__ = ["GatheredPolicies", "gather_policies", "with_admin_policies"]


@dataclass(frozen=True, slots=True)
class GatheredPolicies:
    """Policy documents in play for one role, and what could not be seen."""

    identity: tuple[tuple[str, dict[str, Any]], ...] = ()
    boundary: tuple[tuple[str, dict[str, Any]], ...] | None = None
    session: dict[str, Any] | None = None
    bucket_policies: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    not_visible: tuple[str, ...] = ()
    scps: tuple[tuple[tuple[str, dict[str, Any]], ...], ...] | None = None
    rcps: tuple[tuple[tuple[str, dict[str, Any]], ...], ...] | None = None
    supplied: tuple[str, ...] = ()

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
    """Read what ``iam``/``s3`` (clients as the role) may see of the role's policies.

    Independent calls run concurrently: the listings and bucket policies first, then each
    policy document, so gathering costs about three round trips whatever the policy count.
    """
    from concurrent.futures import Future, ThreadPoolExecutor

    from botocore.exceptions import BotoCoreError, ClientError

    failures = (ClientError, BotoCoreError)
    hidden: list[str] = []

    def attempt(fn: Any, note: str) -> Any:
        try:
            return fn()
        except failures as exc:
            hidden.append(f"{note} ({_code(exc)})")
            return None

    def bucket_policy(bucket: str) -> tuple[bool, dict[str, Any] | None]:
        try:
            return True, _doc(s3.get_bucket_policy(Bucket=bucket)["Policy"])
        except failures as exc:
            if _code(exc) == "NoSuchBucketPolicy":
                return True, None
            hidden.append(f"bucket policy of {bucket} ({_code(exc)})")
            return False, None

    with ThreadPoolExecutor(8, thread_name_prefix="qds-gather") as pool:
        role_f = pool.submit(
            attempt,
            lambda: iam.get_role(RoleName=role_name)["Role"],
            f"role {role_name} and its permissions boundary (iam:GetRole)",
        )
        inline_f = pool.submit(
            attempt,
            lambda: iam.list_role_policies(RoleName=role_name)["PolicyNames"],
            "inline policies (iam:ListRolePolicies)",
        )
        attached_f = pool.submit(
            attempt,
            lambda: iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"],
            "attached policies (iam:ListAttachedRolePolicies)",
        )
        bucket_fs = {b: pool.submit(bucket_policy, b) for b in dict.fromkeys(buckets)}
        docs: list[tuple[str, Future[Any]]] = []
        for name in inline_f.result() or []:
            docs.append(
                (
                    name,
                    pool.submit(
                        attempt,
                        lambda n=name: _doc(
                            iam.get_role_policy(RoleName=role_name, PolicyName=n)["PolicyDocument"]
                        ),
                        f"inline policy {name}",
                    ),
                )
            )
        for item in attached_f.result() or []:
            docs.append(
                (
                    item["PolicyName"],
                    pool.submit(
                        attempt,
                        lambda arn=item["PolicyArn"]: _policy_version(iam, arn),
                        f"managed policy {item['PolicyName']}",
                    ),
                )
            )
        role = role_f.result()
        boundary_f = None
        pb = (role or {}).get("PermissionsBoundary", {}).get("PermissionsBoundaryArn")
        if pb:
            boundary_f = pool.submit(
                attempt, lambda: _policy_version(iam, pb), f"permissions boundary {pb}"
            )
        identity = tuple((n, f.result()) for n, f in docs if f.result() is not None)
        boundary = None
        if boundary_f is not None and (doc := boundary_f.result()) is not None:
            boundary = ((pb.rsplit("/", 1)[-1], doc),)
        bucket_policies = {b: f.result()[1] for b, f in bucket_fs.items() if f.result()[0]}
    return GatheredPolicies(
        identity=identity,
        boundary=boundary,
        session=None if session_policy is None else _doc(session_policy),
        bucket_policies=bucket_policies,
        not_visible=tuple(sorted(hidden)),
    )


def _read(path: str) -> tuple[str, dict[str, Any]]:
    from qds_notebook.errors import ConfigError

    try:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
    except OSError as exc:
        raise ConfigError(
            f"cannot read policy file {path}: {exc.strerror}",
            key="policies",
            hint="paths in [policies] are relative to the config file",
        ) from None
    except ValueError as exc:
        raise ConfigError(f"policy file {path} is not valid JSON: {exc}", key="policies") from None
    if not isinstance(doc, dict):
        raise ConfigError(f"policy file {path} does not hold a policy document", key="policies")
    name = os.path.splitext(os.path.basename(path))[0]
    return name, doc


def with_admin_policies(
    gathered: GatheredPolicies, admin: Any, *, role_name: str
) -> GatheredPolicies:
    """Add what the account config supplies (``[policies]``) to what the role could read.

    Supplied identity policies stand in for the ones the role could not read; a supplied
    boundary or bucket policy is used where none could be read; SCPs and RCPs come only
    from the config (nothing live reads an organization's policies).
    """
    hidden = list(gathered.not_visible)
    supplied: list[str] = []
    identity = list(gathered.identity)
    if role_name in admin.identity:
        known = {n for n, _ in identity}
        extra = [_read(p) for p in admin.identity[role_name]]
        identity += [(n, d) for n, d in extra if n not in known]
        hidden = [h for h in hidden if not h.startswith(("inline ", "attached ", "managed "))]
        supplied.append(f"identity policies of {role_name} from the account config")
    boundary = gathered.boundary
    if role_name in admin.boundary and boundary is None:
        boundary = tuple(_read(p) for p in admin.boundary[role_name])
        supplied.append(f"permissions boundary of {role_name} from the account config")
    if role_name in admin.identity and role_name in admin.boundary:
        hidden = [h for h in hidden if not h.startswith(f"role {role_name}")]
    buckets = dict(gathered.bucket_policies)
    for bucket, path in admin.buckets.items():
        if buckets.get(bucket) is None:
            buckets[bucket] = _read(path)[1]
            hidden = [h for h in hidden if not h.startswith(f"bucket policy of {bucket} ")]
            supplied.append(f"bucket policy of {bucket} from the account config")

    def levels(value: Any) -> Any:
        return None if value is None else tuple(tuple(_read(p) for p in lvl) for lvl in value)

    return GatheredPolicies(
        identity=tuple(identity),
        boundary=boundary,
        session=gathered.session,
        bucket_policies=buckets,
        not_visible=tuple(hidden),
        scps=levels(admin.scps),
        rcps=levels(admin.rcps),
        supplied=tuple(supplied),
    )
