"""Which IAM action, resource ARN and condition keys an S3 API call needs.

From the S3 "actions, resources and condition keys" reference: bucket-level calls act on
``arn:aws:s3:::BUCKET``, object-level calls on ``arn:aws:s3:::BUCKET/KEY``, ListBuckets on
``*``. Several API calls share an action (HeadObject is s3:GetObject, the multipart calls are
s3:PutObject, HeadBucket is s3:ListBucket); CopyObject needs two permissions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from qds_notebook.errors import PolicyError

__all__ = ["S3Requirement", "operations", "requirement"]


@dataclass(frozen=True, slots=True)
class S3Requirement:
    """One permission an S3 call needs: the action on the resource, with its context keys."""

    action: str
    resource: str
    context: Mapping[str, str] = field(default_factory=dict)


_BUCKET_ACTIONS = {
    "ListObjects": "s3:ListBucket",
    "ListObjectsV2": "s3:ListBucket",
    "HeadBucket": "s3:ListBucket",
    "ListObjectVersions": "s3:ListBucketVersions",
    "ListMultipartUploads": "s3:ListBucketMultipartUploads",
    "GetBucketLocation": "s3:GetBucketLocation",
    "GetBucketAcl": "s3:GetBucketAcl",
    "PutBucketAcl": "s3:PutBucketAcl",
    "GetBucketPolicy": "s3:GetBucketPolicy",
    "PutBucketPolicy": "s3:PutBucketPolicy",
}
_OBJECT_ACTIONS = {
    "GetObject": "s3:GetObject",
    "HeadObject": "s3:GetObject",
    "PutObject": "s3:PutObject",
    "CreateMultipartUpload": "s3:PutObject",
    "UploadPart": "s3:PutObject",
    "CompleteMultipartUpload": "s3:PutObject",
    "AbortMultipartUpload": "s3:AbortMultipartUpload",
    "ListParts": "s3:ListMultipartUploadParts",
    "DeleteObject": "s3:DeleteObject",
    "GetObjectAcl": "s3:GetObjectAcl",
    "PutObjectAcl": "s3:PutObjectAcl",
    "GetObjectTagging": "s3:GetObjectTagging",
    "PutObjectTagging": "s3:PutObjectTagging",
}
_LISTING = frozenset({"ListObjects", "ListObjectsV2", "ListObjectVersions"})


def operations() -> list[str]:
    """Every S3 operation ``requirement`` knows, sorted."""
    return sorted({*_BUCKET_ACTIONS, *_OBJECT_ACTIONS, "ListBuckets", "CopyObject"})


def _object_arn(bucket: str, key: str | None, *, operation: str) -> str:
    if not key:
        raise PolicyError(f"S3 {operation} needs an object key", hint="pass key=...")
    return f"arn:aws:s3:::{bucket}/{key}"


def _split_source(source: str) -> tuple[str, str]:
    path = source.removeprefix("s3://").lstrip("/")
    bucket, _, key = path.partition("/")
    if not bucket or not key:
        raise PolicyError(f"copy source {source!r} is not bucket/key", hint="e.g. src-bucket/a.csv")
    return bucket, key


def requirement(
    operation: str,
    *,
    bucket: str,
    key: str | None = None,
    prefix: str | None = None,
    delimiter: str | None = None,
    max_keys: int | None = None,
    source: str | None = None,
) -> list[S3Requirement]:
    """The permissions an S3 API call needs.

    Parameters
    ----------
    operation
        The S3 API name, e.g. ``ListObjectsV2``, ``GetObject``, ``CopyObject``.
    bucket
        Bucket name (for ``CopyObject``, the destination bucket).
    key
        Object key, for object-level calls (the destination key for ``CopyObject``).
    prefix, delimiter, max_keys
        Listing parameters, exposed as ``s3:prefix``, ``s3:delimiter``, ``s3:max-keys``.
        A listing without a prefix gets ``s3:prefix`` = ``""``, which is why AWS's examples
        allow ``"s3:prefix": ["", "home/"]`` to let a user list the bucket root.
    source
        ``bucket/key`` (or ``s3://bucket/key``) of the object ``CopyObject`` reads.

    Raises
    ------
    PolicyError
        Unknown operation, or a missing key/bucket/source the operation needs.
    """
    if not bucket:
        raise PolicyError(f"S3 {operation} needs a bucket", hint="pass bucket=...")
    if operation == "ListBuckets":
        return [S3Requirement("s3:ListAllMyBuckets", "*")]
    if operation == "CopyObject":
        if source is None:
            raise PolicyError("S3 CopyObject needs a source", hint="pass source='bucket/key'")
        src_bucket, src_key = _split_source(source)
        return [
            S3Requirement("s3:GetObject", f"arn:aws:s3:::{src_bucket}/{src_key}"),
            S3Requirement("s3:PutObject", _object_arn(bucket, key, operation=operation)),
        ]
    if operation in _BUCKET_ACTIONS:
        context: dict[str, str] = {}
        if operation in _LISTING:
            context["s3:prefix"] = prefix or ""
            if delimiter is not None:
                context["s3:delimiter"] = delimiter
            if max_keys is not None:
                context["s3:max-keys"] = str(max_keys)
        return [S3Requirement(_BUCKET_ACTIONS[operation], f"arn:aws:s3:::{bucket}", context)]
    if operation in _OBJECT_ACTIONS:
        arn = _object_arn(bucket, key, operation=operation)
        return [S3Requirement(_OBJECT_ACTIONS[operation], arn)]
    raise PolicyError(
        f"unknown S3 operation {operation!r}",
        hint="one of " + ", ".join(operations()),
    )
