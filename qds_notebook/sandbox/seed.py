"""The believable account the sandbox seeds: who may assume what, and sample data.

Designed around what moto enforces (see README "What the sandbox cannot show"): role
identity policies by action and resource, trust principals by exact ARN and wrong
External IDs. The differences between the roles therefore lie in *resources*:

* account role ``qds-account``: read/write on ``s3://acme-defloc/qds/`` only;
* alice's override ``alice-analyst``: read-only on the default location, plus read on
  the second data bucket ``acme-raw``; no writes anywhere;
* carol's override ``carol-engineer`` (locked): read/write on the default location;
* dual role ``qds-instances``: trusted by EC2 only, so no user can assume it.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

from qds_notebook.locations import DefaultLocation
from qds_notebook.templates import (
    defloc_policy,
    instance_trust_policy,
    read_only_policy,
    role_trust_policy,
    self_inspect_policy,
)

__all__ = ["ACCOUNT_ID", "SEED", "Seed", "seed_account"]

ACCOUNT_ID = "123456789012"
PLATFORM_USER = "qds-platform"
# moto authorizes HeadBucket as "s3:HeadBucket" (AWS uses s3:ListBucket) and s3fs calls
# HeadBucket before writes, so sandbox roles that may list a bucket also get this action.
MOTO_HEADBUCKET = ["s3:HeadBucket"]


@dataclass(frozen=True, slots=True)
class SeedRole:
    """A role the sandbox creates."""

    name: str
    external_id: str | None
    trust: str  # "platform" or "instances"
    policies: dict[str, dict[str, Any]]

    @property
    def arn(self) -> str:
        return f"arn:aws:iam::{ACCOUNT_ID}:role/{self.name}"


@dataclass(frozen=True, slots=True)
class Seed:
    """The whole seeded account."""

    defloc: DefaultLocation
    raw_bucket: str
    account_role: SeedRole
    dual_role: SeedRole
    overrides: dict[str, tuple[SeedRole, bool]]  # user -> (role, locked)
    users_without_override: tuple[str, ...]

    def roles(self) -> list[SeedRole]:
        return [self.account_role, self.dual_role, *(r for r, _ in self.overrides.values())]


def _build() -> Seed:
    defloc = DefaultLocation(bucket="acme-defloc", prefix="qds/")
    raw = "acme-raw"

    def inspect(name: str) -> dict[str, Any]:
        return self_inspect_policy(f"arn:aws:iam::{ACCOUNT_ID}:role/{name}")

    account = SeedRole(
        name="qds-account",
        external_id="qds-acme-7f3a",
        trust="platform",
        policies={
            "qds-defloc-access": defloc_policy(defloc, extra_actions=MOTO_HEADBUCKET),
            "read-bucket-policy": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "SeeBucketPolicy",
                        "Effect": "Allow",
                        "Action": "s3:GetBucketPolicy",
                        "Resource": f"arn:aws:s3:::{defloc.bucket}",
                    }
                ],
            },
            "self-inspect": inspect("qds-account"),
        },
    )
    alice = SeedRole(
        name="alice-analyst",
        external_id="qds-alice-19c2",
        trust="platform",
        policies={
            "alice-read": read_only_policy(
                [(defloc.bucket, defloc.prefix), (raw, "")], extra_actions=MOTO_HEADBUCKET
            ),
            "self-inspect": inspect("alice-analyst"),
        },
    )
    carol = SeedRole(
        name="carol-engineer",
        external_id="qds-carol-5e01",
        trust="platform",
        policies={"carol-defloc": defloc_policy(defloc, extra_actions=MOTO_HEADBUCKET)},
    )
    instances = SeedRole(
        name="qds-instances",
        external_id=None,
        trust="instances",
        policies={
            "instances-data": read_only_policy([(raw, "")], extra_actions=MOTO_HEADBUCKET),
            "instances-defloc": defloc_policy(defloc, extra_actions=MOTO_HEADBUCKET),
        },
    )
    return Seed(
        defloc=defloc,
        raw_bucket=raw,
        account_role=account,
        dual_role=instances,
        overrides={"alice@acme.com": (alice, False), "carol@acme.com": (carol, True)},
        users_without_override=("bob@acme.com",),
    )


SEED = _build()


def _sample_frames() -> dict[str, Any]:
    import pandas as pd

    sales = pd.DataFrame(
        {
            "order_id": range(1, 121),
            "region": [["emea", "amer", "apac"][i % 3] for i in range(120)],
            "units": [(i * 7) % 23 + 1 for i in range(120)],
            "price": [round(9.5 + (i % 11) * 1.25, 2) for i in range(120)],
        }
    )
    return {"sales": sales}


def _objects() -> dict[tuple[str, str], bytes]:
    frames = _sample_frames()
    sales = frames["sales"]
    d, p = SEED.defloc.bucket, SEED.defloc.prefix
    buf = io.BytesIO()
    sales.to_parquet(buf, index=False)
    objects: dict[tuple[str, str], bytes] = {
        (d, f"{p}sales/2024.csv"): sales.to_csv(index=False).encode(),
        (d, f"{p}sales/2024.parquet"): buf.getvalue(),
        (d, f"{p}logs/README.txt"): b"platform command logs land here\n",
        (d, "other-team/payroll.csv"): b"employee,salary\nx,1\n",
        (SEED.raw_bucket, "sales/raw-2024.csv"): sales.head(40).to_csv(index=False).encode(),
    }
    for part in range(4):
        chunk = sales.iloc[part * 30 : (part + 1) * 30]
        objects[(d, f"{p}sales/parts/part-{part}.csv")] = chunk.to_csv(index=False).encode()
        pbuf = io.BytesIO()
        chunk.to_parquet(pbuf, index=False)
        objects[(d, f"{p}sales/dataset/part-{part}.parquet")] = pbuf.getvalue()
    return objects


def seed_account(url: str, *, region: str = "us-east-1") -> dict[str, str]:
    """Create principals, roles, buckets and data; returns the platform's base keys.

    Must run with enforcement off (the sandbox turns it on afterwards).
    """
    import boto3

    kw: dict[str, Any] = {
        "endpoint_url": url,
        "region_name": region,
        "aws_access_key_id": "seed",
        "aws_secret_access_key": "seed",
    }
    iam = boto3.client("iam", **kw)
    s3 = boto3.client("s3", **kw)
    platform_arn = f"arn:aws:iam::{ACCOUNT_ID}:user/{PLATFORM_USER}"
    iam.create_user(UserName=PLATFORM_USER)
    assumable = [r.arn for r in SEED.roles() if r.trust == "platform"]
    iam.put_user_policy(
        UserName=PLATFORM_USER,
        PolicyName="assume-qds-roles",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    # moto (unlike AWS) also wants the caller allowed sts:AssumeRole.
                    {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": assumable},
                    {"Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*"},
                ],
            }
        ),
    )
    key = iam.create_access_key(UserName=PLATFORM_USER)["AccessKey"]
    for role in SEED.roles():
        trust = (
            role_trust_policy(platform_arn, role.external_id or "")
            if role.trust == "platform"
            else instance_trust_policy()
        )
        iam.create_role(
            RoleName=role.name, AssumeRolePolicyDocument=json.dumps(trust), MaxSessionDuration=43200
        )
        for name, doc in role.policies.items():
            if name == "qds-defloc-access":
                pol = iam.create_policy(PolicyName=name, PolicyDocument=json.dumps(doc))
                iam.attach_role_policy(RoleName=role.name, PolicyArn=pol["Policy"]["Arn"])
            else:
                iam.put_role_policy(
                    RoleName=role.name, PolicyName=name, PolicyDocument=json.dumps(doc)
                )
    for bucket in {SEED.defloc.bucket, SEED.raw_bucket}:
        s3.create_bucket(Bucket=bucket)
    for (bucket, obj_key), body in _objects().items():
        s3.put_object(Bucket=bucket, Key=obj_key, Body=body)
    return {
        "aws_access_key_id": key["AccessKeyId"],
        "aws_secret_access_key": key["SecretAccessKey"],
    }


def config_toml(*, endpoint_url: str, region: str = "us-east-1") -> str:
    """The account config (public schema) describing the seeded account."""
    lines = [
        "# qds_notebook sandbox account (generated; safe to delete)",
        "[account]",
        'name = "acme-analytics (sandbox)"',
        f'default_location = "{SEED.defloc.uri}"',
        f'region = "{region}"',
        f'endpoint_url = "{endpoint_url}"',
        f'data_locations = ["s3://{SEED.raw_bucket}/sales/"]',
        "",
        "[account.role]",
        f'arn = "{SEED.account_role.arn}"',
        f'external_id = "{SEED.account_role.external_id}"',
        "duration_seconds = 3600",
        "",
        "[account.dual_role]",
        f'arn = "{SEED.dual_role.arn}"',
        "",
    ]
    for user, (role, locked) in SEED.overrides.items():
        lines.append(f'[users."{user}"]')
        lines.append(f'role = {{ arn = "{role.arn}", external_id = "{role.external_id}" }}')
        if locked:
            lines.append("locked = true")
        lines.append("")
    return "\n".join(lines)
