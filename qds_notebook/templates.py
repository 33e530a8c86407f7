"""IAM policy documents an admin sets up for a QDS account (pure, no I/O).

The same generator seeds the sandbox and prints ``qds-notebook setup-policies``, so the
two never drift: trust policy (platform principal + ``sts:ExternalId``), the permission
policy limiting S3 to the default location, and the dual-role policies.
"""

from __future__ import annotations

from typing import Any

from qds_notebook.locations import DefaultLocation

__all__ = [
    "defloc_policy",
    "instance_trust_policy",
    "read_only_policy",
    "role_trust_policy",
    "self_inspect_policy",
]

Policy = dict[str, Any]

OBJECT_RW = [
    "s3:GetObject",
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:GetObjectAcl",
    "s3:PutObjectAcl",
    "s3:AbortMultipartUpload",
]


def role_trust_policy(principal: str, external_id: str) -> Policy:
    """Trust policy letting ``principal`` assume the role with ``external_id``."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PlatformAssumesWithExternalId",
                "Effect": "Allow",
                "Principal": {"AWS": principal},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": external_id}},
            }
        ],
    }


def instance_trust_policy() -> Policy:
    """Trust policy of the dual (instance) role: only EC2 instances assume it."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ClusterInstances",
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }


def defloc_policy(location: DefaultLocation, *, extra_actions: list[str] | None = None) -> Policy:
    """Read/write on the default location and nothing else in S3."""
    bucket = f"arn:aws:s3:::{location.bucket}"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DefaultLocationObjects",
                "Effect": "Allow",
                "Action": OBJECT_RW,
                "Resource": f"{bucket}/{location.prefix}*",
            },
            {
                "Sid": "DefaultLocationBucket",
                "Effect": "Allow",
                "Action": [
                    "s3:ListBucket",
                    "s3:GetBucketLocation",
                    "s3:GetBucketAcl",
                    "s3:ListBucketMultipartUploads",  # to find and abort failed uploads
                    *(extra_actions or []),
                ],
                "Resource": bucket,
            },
            {
                "Sid": "FindBuckets",
                "Effect": "Allow",
                "Action": "s3:ListAllMyBuckets",
                "Resource": "*",
            },
        ],
    }


def read_only_policy(
    locations: list[tuple[str, str]], *, extra_actions: list[str] | None = None
) -> Policy:
    """Read (list + get) on each ``(bucket, prefix)``."""
    statements: list[dict[str, Any]] = []
    for i, (bucket, prefix) in enumerate(locations):
        statements.append(
            {
                "Sid": f"Read{i}",
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/{prefix}*",
            }
        )
        statements.append(
            {
                "Sid": f"List{i}",
                "Effect": "Allow",
                "Action": ["s3:ListBucket", "s3:GetBucketLocation", *(extra_actions or [])],
                "Resource": f"arn:aws:s3:::{bucket}",
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}


def self_inspect_policy(role_arn: str) -> Policy:
    """Lets a role read its own policies, so the permission check can explain decisions."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ReadOwnRole",
                "Effect": "Allow",
                "Action": [
                    "iam:GetRole",
                    "iam:ListRolePolicies",
                    "iam:GetRolePolicy",
                    "iam:ListAttachedRolePolicies",
                ],
                "Resource": role_arn,
            },
            {
                "Sid": "ReadManagedPolicies",
                "Effect": "Allow",
                "Action": ["iam:GetPolicy", "iam:GetPolicyVersion"],
                # Policy ARNs would do on AWS; moto authorizes these two only against "*".
                "Resource": "*",
            },
        ],
    }
