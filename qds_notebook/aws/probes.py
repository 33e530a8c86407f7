"""Live permission probes: small real S3/STS calls whose outcome shows what a role may do.

Probes run concurrently in a thread pool with a per-probe timeout. A denied probe is a
result, not an exception. Probes never keep or print credentials. Write probes touch
exactly one throw-away key under ``<default location>/.qds-probe/`` and delete it again.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import Any, Literal

from qds_notebook.locations import DefaultLocation, S3Location

__all__ = ["PROBE_PREFIX", "ProbeResult", "ProbeStatus", "run_probes"]

ProbeStatus = Literal["allowed", "denied", "error", "skipped"]
PROBE_PREFIX = ".qds-probe/"
_CANNOT_TELL = (
    "listing is denied, so a GetObject probe could not tell a missing key from a denied "
    "one (S3 answers 403 for both without s3:ListBucket)"
)


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """The outcome of one probe."""

    check: str
    operation: str
    action: str
    location: S3Location | None
    status: ProbeStatus
    detail: str = ""
    code: str | None = None
    request_id: str | None = None
    elapsed: float = 0.0
    context: Mapping[str, str] = field(default_factory=dict)

    @property
    def resource(self) -> str:
        """The IAM resource the call needs (bucket ARN for listings)."""
        if self.location is None:
            return "*"
        return self.location.bucket_arn if self.action == "s3:ListBucket" else self.location.arn

    @property
    def target(self) -> str:
        """What was probed, for display."""
        return self.location.uri if self.location else "sts"


def _call(
    check: str,
    operation: str,
    action: str,
    loc: S3Location | None,
    fn: Callable[[], Any],
    context: Mapping[str, str] | None = None,
) -> tuple[ProbeResult, Any]:
    from botocore import exceptions as bx

    start = time.perf_counter()
    base: dict[str, Any] = {
        "check": check,
        "operation": operation,
        "action": action,
        "location": loc,
        "context": dict(context or {}),
    }
    try:
        out = fn()
    except bx.ClientError as exc:
        err = exc.response.get("Error", {})
        meta = exc.response.get("ResponseMetadata", {})
        code = str(err.get("Code", ""))
        status_code = meta.get("HTTPStatusCode")
        denied = code in {"AccessDenied", "403", "AllAccessDisabled"} or status_code == 403
        return ProbeResult(
            **base,
            status="denied" if denied else "error",
            detail=str(err.get("Message") or code),
            code=code,
            request_id=meta.get("RequestId"),
            elapsed=time.perf_counter() - start,
        ), None
    except (bx.BotoCoreError, OSError) as exc:
        return ProbeResult(
            **base,
            status="error",
            detail=type(exc).__name__ + ": " + str(exc).split("\n")[0],
            elapsed=time.perf_counter() - start,
        ), None
    meta = out.get("ResponseMetadata", {}) if isinstance(out, dict) else {}
    detail = str(out.get("Arn", "")) if operation == "GetCallerIdentity" else ""
    return ProbeResult(
        **base,
        status="allowed",
        detail=detail,
        request_id=meta.get("RequestId"),
        elapsed=time.perf_counter() - start,
    ), out


def _skipped(
    check: str, operation: str, action: str, loc: S3Location | None, why: str
) -> ProbeResult:
    return ProbeResult(
        check=check, operation=operation, action=action, location=loc, status="skipped", detail=why
    )


def _list(s3: Any, check: str, bucket: str, prefix: str) -> tuple[ProbeResult, list[str]]:
    ctx = {"s3:prefix": prefix, "s3:max-keys": "100"}
    result, out = _call(
        check,
        "ListObjectsV2",
        "s3:ListBucket",
        S3Location(bucket, prefix),
        lambda: s3.list_objects_v2(Bucket=bucket, Prefix=prefix, MaxKeys=100),
        ctx,
    )
    keys = [o["Key"] for o in (out or {}).get("Contents", []) if not o["Key"].endswith("/")]
    return result, keys


def _get(s3: Any, check: str, bucket: str, key: str) -> ProbeResult:
    result, out = _call(
        check,
        "GetObject",
        "s3:GetObject",
        S3Location(bucket, key),
        lambda: s3.get_object(Bucket=bucket, Key=key, Range="bytes=0-0"),
    )
    if out is not None:
        out["Body"].close()
    return result


class _Background:
    """Run one probe on its own thread while the caller does another."""

    def __init__(self, fn: Callable[[], ProbeResult]) -> None:
        self._result: list[ProbeResult] = []
        self._thread = threading.Thread(target=lambda: self._result.append(fn()), daemon=True)
        self._thread.start()

    def result(self) -> ProbeResult | None:
        self._thread.join()
        return self._result[0] if self._result else None


def _stale(result: ProbeResult | None) -> bool:
    return result is None or result.code in {"NoSuchKey", "404"}


def _read_probe(
    s3: Any,
    check: str,
    bucket: str,
    listed: ProbeResult,
    keys: list[str],
    memo_key: str,
    memo: dict[str, str],
    speculative: _Background | None,
    where: S3Location,
    empty: str,
) -> ProbeResult:
    """GetObject of an object the listing found; a still-valid speculative read is kept."""
    if speculative is not None:
        early = speculative.result()
        if not _stale(early):
            assert early is not None
            if early.status == "denied" and listed.status != "allowed":
                return _skipped(check, "GetObject", "s3:GetObject", where, _CANNOT_TELL)
            return early
    if listed.status != "allowed":
        return _skipped(check, "GetObject", "s3:GetObject", where, _CANNOT_TELL)
    keys = [k for k in keys if PROBE_PREFIX not in k]
    if not keys:
        return _skipped(check, "GetObject", "s3:GetObject", where, empty)
    memo[memo_key] = keys[0]
    return _get(s3, check, bucket, keys[0])


def _location_group(
    s3: Any, label: str, loc: S3Location, memo: dict[str, str]
) -> list[ProbeResult]:
    """ListBucket on a prefix and GetObject of an object found there.

    The object found by the previous check is read at the same time as the listing, so a
    repeated check costs one round trip; if it has gone, the listing's first object is read.
    """
    prefix = loc.key if not loc.key or loc.key.endswith("/") else loc.key.rsplit("/", 1)[0] + "/"
    check = f"read {label}"
    if loc.key and not loc.key.endswith("/"):
        direct = _Background(lambda: _get(s3, check, loc.bucket, loc.key))
        listed, _ = _list(s3, f"list {label}", loc.bucket, prefix)
        got = direct.result()
        assert got is not None
        if got.status == "denied" and listed.status != "allowed":
            got = _skipped(check, "GetObject", "s3:GetObject", loc, _CANNOT_TELL)
        return [listed, got]
    memo_key = f"{loc.bucket}/{prefix}"
    known = memo.get(memo_key)
    speculative = _Background(lambda: _get(s3, check, loc.bucket, known)) if known else None
    listed, keys = _list(s3, f"list {label}", loc.bucket, prefix)
    read = _read_probe(
        s3,
        check,
        loc.bucket,
        listed,
        keys,
        memo_key,
        memo,
        speculative,
        loc,
        "the listing found no object to read",
    )
    return [listed, read]


def _outside_group(s3: Any, defloc: DefaultLocation, memo: dict[str, str]) -> list[ProbeResult]:
    """The bucket root and a sibling of the default location's prefix."""
    bucket = defloc.bucket
    memo_key = f"{bucket}/(outside {defloc.prefix})"
    known = memo.get(memo_key)
    check = "read outside default location"
    speculative = sibling_list = None
    if known:
        speculative = _Background(lambda: _get(s3, check, bucket, known))
        if "/" in known:
            sib = known.split("/", 1)[0] + "/"
            sibling_list = _Background(
                lambda: _list(s3, "list sibling prefix (outside)", bucket, sib)[0]
            )
    listed, keys = _list(s3, "list bucket root (outside)", bucket, "")
    outside = [k for k in keys if not k.startswith(defloc.prefix)]
    read = _read_probe(
        s3,
        check,
        bucket,
        listed,
        outside,
        memo_key,
        memo,
        speculative,
        S3Location(bucket, ""),
        "no object outside the default location to try",
    )
    out = [listed, read]
    key = read.location.key if read.location is not None else ""
    if key and "/" in key:
        sib_result = sibling_list.result() if sibling_list is not None else None
        if sib_result is None or not known or known.split("/", 1)[0] != key.split("/", 1)[0]:
            sib_result = _list(
                s3, "list sibling prefix (outside)", bucket, key.split("/", 1)[0] + "/"
            )[0]
        out.append(sib_result)
    return out


def _write_group(s3: Any, defloc: DefaultLocation) -> list[ProbeResult]:
    """PutObject then DeleteObject of exactly one unique key; cleanup even on failure."""
    key = f"{defloc.prefix}{PROBE_PREFIX}{uuid.uuid4().hex}.txt"
    loc = S3Location(defloc.bucket, key)
    put, _ = _call(
        "write default location",
        "PutObject",
        "s3:PutObject",
        loc,
        lambda: s3.put_object(Bucket=defloc.bucket, Key=key, Body=b"qds probe\n"),
    )
    if put.status == "denied":
        return [
            put,
            _skipped(
                "delete default location",
                "DeleteObject",
                "s3:DeleteObject",
                loc,
                "nothing was written, so nothing to delete",
            ),
        ]
    # Even a PutObject that errored (timeout, reset) may have landed: delete that key only.
    delete, _ = _call(
        "delete default location",
        "DeleteObject",
        "s3:DeleteObject",
        loc,
        lambda: s3.delete_object(Bucket=defloc.bucket, Key=key),
    )
    if delete.status != "allowed" and put.status == "allowed":
        delete = ProbeResult(
            **{**_fields(delete), "detail": f"{delete.detail}; probe object left at {loc.uri}"}
        )
    return [put, delete]


def _fields(r: ProbeResult) -> dict[str, Any]:
    return {f: getattr(r, f) for f in ProbeResult.__dataclass_fields__}


def run_probes(
    *,
    s3: Any,
    sts: Any,
    defloc: DefaultLocation,
    paths: list[S3Location] | None = None,
    write: bool = False,
    timeout: float = 20.0,
    workers: int = 8,
    memo: dict[str, str] | None = None,
) -> list[ProbeResult]:
    """Run the default probe set (plus ``paths``, plus writes if asked), concurrently.

    Parameters
    ----------
    s3, sts
        boto3 clients as the role being checked (their timeouts bound each call).
    timeout
        Seconds after which a still-running probe group is reported as an error.
    memo
        Objects found by a previous run, per location; read while listing, and updated.
    """
    memo = {} if memo is None else memo

    def identity() -> list[ProbeResult]:
        return [
            _call(
                "caller identity",
                "GetCallerIdentity",
                "sts:GetCallerIdentity",
                None,
                sts.get_caller_identity,
            )[0]
        ]

    groups: list[tuple[str, Callable[[], list[ProbeResult]]]] = [
        ("caller identity", identity),
        (
            "default location",
            lambda: _location_group(s3, "default location", defloc.location, memo),
        ),
    ]
    if defloc.prefix:
        groups.append(("outside", lambda: _outside_group(s3, defloc, memo)))
    for p in paths or []:
        groups.append((p.uri, lambda p=p: _location_group(s3, p.uri, p, memo)))  # type: ignore[misc]
    if write:
        groups.append(("write", lambda: _write_group(s3, defloc)))
    results: list[ProbeResult] = []
    pool = ThreadPoolExecutor(max_workers=min(workers, len(groups)), thread_name_prefix="qds-probe")
    try:
        futures = [(name, pool.submit(fn)) for name, fn in groups]
        # Each call is bounded by the clients' own timeouts; this deadline is the backstop
        # for a group of up to three dependent calls.
        deadline = time.monotonic() + 4 * timeout
        for name, fut in futures:
            try:
                results.extend(fut.result(timeout=max(0.0, deadline - time.monotonic())))
            except FutureTimeout:
                results.append(
                    ProbeResult(
                        check=name,
                        operation="",
                        action="",
                        location=None,
                        status="error",
                        detail=f"timed out after {timeout:g} s",
                    )
                )
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    return results
