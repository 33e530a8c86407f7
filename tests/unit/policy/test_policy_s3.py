"""S3 API operation -> IAM action, resource and condition keys, from the S3 actions reference."""

from __future__ import annotations

from typing import Any

import pytest

from qds_notebook.errors import PolicyError
from qds_notebook.policy import Request, evaluate, parse_policy, requirement
from qds_notebook.policy.s3 import S3Requirement, operations

B = "arn:aws:s3:::acme"
CASES: list[tuple[str, dict[str, Any], list[tuple[str, str, dict[str, str]]]]] = [
    ("ListObjectsV2", {"prefix": "qds/"}, [("s3:ListBucket", B, {"s3:prefix": "qds/"})]),
    (
        "ListObjects",
        {"prefix": "qds/", "delimiter": "/", "max_keys": 100},
        [("s3:ListBucket", B, {"s3:prefix": "qds/", "s3:delimiter": "/", "s3:max-keys": "100"})],
    ),
    ("ListObjectsV2", {}, [("s3:ListBucket", B, {"s3:prefix": ""})]),
    ("HeadBucket", {}, [("s3:ListBucket", B, {})]),
    ("GetObject", {"key": "qds/a.csv"}, [("s3:GetObject", f"{B}/qds/a.csv", {})]),
    ("HeadObject", {"key": "qds/a.csv"}, [("s3:GetObject", f"{B}/qds/a.csv", {})]),
    ("PutObject", {"key": "k"}, [("s3:PutObject", f"{B}/k", {})]),
    ("DeleteObject", {"key": "k"}, [("s3:DeleteObject", f"{B}/k", {})]),
    ("GetObjectAcl", {"key": "k"}, [("s3:GetObjectAcl", f"{B}/k", {})]),
    ("PutObjectAcl", {"key": "k"}, [("s3:PutObjectAcl", f"{B}/k", {})]),
    ("GetBucketLocation", {}, [("s3:GetBucketLocation", B, {})]),
    ("ListBuckets", {}, [("s3:ListAllMyBuckets", "*", {})]),
    ("CreateMultipartUpload", {"key": "k"}, [("s3:PutObject", f"{B}/k", {})]),
    ("UploadPart", {"key": "k"}, [("s3:PutObject", f"{B}/k", {})]),
    ("CompleteMultipartUpload", {"key": "k"}, [("s3:PutObject", f"{B}/k", {})]),
    ("AbortMultipartUpload", {"key": "k"}, [("s3:AbortMultipartUpload", f"{B}/k", {})]),
    (
        "CopyObject",
        {"key": "dst/k", "source": "src/a/b.csv"},
        [("s3:GetObject", "arn:aws:s3:::src/a/b.csv", {}), ("s3:PutObject", f"{B}/dst/k", {})],
    ),
    (
        "CopyObject",
        {"key": "k", "source": "s3://src/x"},
        [("s3:GetObject", "arn:aws:s3:::src/x", {}), ("s3:PutObject", f"{B}/k", {})],
    ),
]


@pytest.mark.parametrize(
    ("operation", "kwargs", "expected"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_requirement(
    operation: str, kwargs: dict[str, Any], expected: list[tuple[str, str, dict[str, str]]]
) -> None:
    got = requirement(operation, bucket="acme", **kwargs)
    assert [(r.action, r.resource, dict(r.context)) for r in got] == expected


@pytest.mark.parametrize(
    ("operation", "kwargs"),
    [
        ("GetObject", {}),
        ("Frobnicate", {}),
        ("CopyObject", {"key": "k"}),
        ("CopyObject", {"key": "k", "source": "bucket-only"}),
        ("ListObjectsV2", {"bucket": ""}),
    ],
)
def test_requirement_errors(operation: str, kwargs: dict[str, Any]) -> None:
    kwargs.setdefault("bucket", "acme")
    with pytest.raises(PolicyError):
        requirement(operation, **kwargs)


def test_operations_listed() -> None:
    assert {"ListObjectsV2", "CopyObject", "ListBuckets"} <= set(operations())


def test_requirement_feeds_evaluation() -> None:
    # AWS's home-folder example: list only under home/alice/, and the root with prefix "".
    policy = parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "s3:ListBucket",
                    "Resource": "arn:aws:s3:::acme",
                    "Condition": {"StringLike": {"s3:prefix": ["", "home/${aws:username}/*"]}},
                }
            ],
        }
    )

    def can(req: S3Requirement) -> bool:
        return evaluate(
            Request(
                principal="arn:aws:iam::111122223333:user/alice",
                action=req.action,
                resource=req.resource,
                context=req.context,
                identity_policies=[policy],
            )
        ).allowed

    assert can(requirement("ListObjectsV2", bucket="acme")[0])
    assert can(requirement("ListObjectsV2", bucket="acme", prefix="home/alice/x")[0])
    assert not can(requirement("ListObjectsV2", bucket="acme", prefix="home/bob/")[0])
