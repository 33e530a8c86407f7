"""Reading and writing DataFrames and listing under S3, with errors that name the role.

S3 refusals become :class:`~qds_notebook.errors.AccessDenied` carrying the effective role
(and a hint about 403-for-missing-keys when it applies); missing objects become
:class:`~qds_notebook.errors.ObjectNotFound`. Writes are staged in memory and sent in
one call, so a failure never leaves half an object under the target key.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from qds_notebook.errors import (
    AccessDenied,
    ObjectNotFound,
    PathError,
    QdsError,
    StorageError,
)
from qds_notebook.locations import S3Location
from qds_notebook.roles import EffectiveRole

__all__ = [
    "FORMATS",
    "Entry",
    "detect_format",
    "list_entries",
    "read_frame",
    "s3_errors",
    "write_frame",
]

FORMATS = ("csv", "parquet", "json")
MULTIPART_CHUNK = 8 * 2**20
_SUFFIXES = {
    ".csv": "csv",
    ".tsv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".json": "json",
    ".jsonl": "json",
    ".ndjson": "json",
}

#: Hook the permission-check layer sets to explain a denial (returns e.g. a statement).
Explainer = Callable[[str, S3Location], "str | None"]


@dataclass(frozen=True, slots=True)
class Entry:
    """One listing entry under a prefix."""

    name: str
    path: str
    kind: str  # "prefix" or "object"
    size: int | None = None

    @property
    def human_size(self) -> str:
        """``"1.2 MB"``."""
        if self.size is None:
            return ""
        size = float(self.size)
        for unit in ("B", "KB", "MB", "GB", "TB"):
            if size < 1024 or unit == "TB":
                return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
            size /= 1024
        return ""


def detect_format(location: S3Location, fmt: str | None) -> str:
    """The data format: ``fmt`` if given, else from the suffix."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise PathError(f"unknown format {fmt!r}", hint=f"use one of: {', '.join(FORMATS)}")
        return fmt
    key = location.key.rstrip("/")
    for suffix, name in _SUFFIXES.items():
        if key.endswith(suffix):
            return name
    if location.key.endswith("/"):
        return "parquet"
    raise PathError(
        f"cannot tell the format of {location.uri} from its name",
        hint=f"pass format= one of: {', '.join(FORMATS)}",
    )


@contextlib.contextmanager
def s3_errors(
    role: EffectiveRole,
    action: str,
    location: S3Location,
    *,
    explain: Explainer | None = None,
    may_be_missing: bool = False,
) -> Iterator[None]:
    """Translate s3fs/pyarrow errors raised inside the block into the package's errors."""
    try:
        yield
    except QdsError:
        raise
    except Exception as exc:
        kind = _classify(exc)
        if kind is None:
            raise
        if kind == "denied":
            decided = None
            if explain is not None:
                with contextlib.suppress(Exception):
                    decided = explain(action, location)
            hint = decided or f"role {role.name} ({role.kind}) lacks {action} on {location.arn}"
            if may_be_missing:
                hint += "; S3 also answers 403 for a missing key when the role lacks s3:ListBucket"
            raise AccessDenied(
                f"{action} on {location.uri} was denied for {role.kind} role {role.name} "
                f"({role.reason})",
                action=action,
                resource=location.arn,
                role_arn=role.arn,
                decided_by=decided,
                hint=hint,
            ) from exc
        if kind == "missing":
            raise ObjectNotFound(
                f"no object at {location.uri}", hint="check the path with ses.ls() or %qds ls"
            ) from exc
        detail = str(exc).splitlines()[0] if str(exc) else "no detail"
        raise StorageError(
            f"{action} on {location.uri} failed: {type(exc).__name__}: {detail}",
            hint="S3 was throttling or unreachable; nothing was left half-written, retry later",
        ) from exc


def _classify(exc: BaseException) -> str | None:
    """``denied``, ``missing``, ``failed`` (another S3/network failure) or ``None``."""
    if isinstance(exc, PermissionError):
        return "denied"
    if isinstance(exc, FileNotFoundError):
        return "missing"
    from botocore.exceptions import BotoCoreError, ClientError

    if isinstance(exc, ClientError):
        code = str(exc.response.get("Error", {}).get("Code", ""))
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if code in {"AccessDenied", "AllAccessDisabled", "403"} or status == 403:
            return "denied"
        if code in {"NoSuchKey", "NoSuchBucket", "404", "NotFound"} or status == 404:
            return "missing"
        return "failed"
    if isinstance(exc, OSError | TimeoutError | BotoCoreError):
        return "failed"
    return None


def read_frame(fs: Any, location: S3Location, fmt: str, **kwargs: Any) -> Any:
    """Read ``location`` (a file, or a Parquet dataset prefix) into a DataFrame."""
    import pandas as pd

    if fmt == "parquet":
        return pd.read_parquet(location.fs_path, filesystem=fs, **kwargs)
    with fs.open(location.fs_path, "rb") as fh:
        if fmt == "csv":
            if location.key.endswith(".tsv"):
                kwargs.setdefault("sep", "\t")
            return pd.read_csv(fh, **kwargs)
        if location.key.endswith((".jsonl", ".ndjson")):
            kwargs.setdefault("lines", True)
        return pd.read_json(fh, **kwargs)


def write_frame(fs: Any, frame: Any, location: S3Location, fmt: str, **kwargs: Any) -> None:
    """Serialise ``frame`` in memory, then put it in one call (no partial objects)."""
    if location.key.endswith("/") or not location.key:
        raise PathError(f"{location.uri} is a prefix", hint="name the object, e.g. out/x.parquet")
    buf = io.BytesIO()
    if fmt == "parquet":
        frame.to_parquet(buf, **kwargs)
    elif fmt == "csv":
        kwargs.setdefault("index", False)
        buf.write(frame.to_csv(**kwargs).encode())
    else:
        buf.write(frame.to_json(**kwargs).encode())
    # Large writes go multipart in 8 MiB parts; s3fs aborts the upload if any part fails.
    fs.pipe_file(location.fs_path, buf.getvalue(), chunksize=MULTIPART_CHUNK)


def list_entries(fs: Any, location: S3Location) -> list[Entry]:
    """Prefixes and objects directly under ``location``."""
    path = location.fs_path
    entries = []
    for info in fs.ls(path, detail=True, refresh=True):
        name = info["name"]
        kind = "prefix" if info.get("type") == "directory" else "object"
        short = name.rstrip("/").rsplit("/", 1)[-1] + ("/" if kind == "prefix" else "")
        entries.append(
            Entry(
                name=short,
                path=f"s3://{name}",
                kind=kind,
                size=None if kind == "prefix" else int(info.get("size") or 0),
            )
        )
    entries.sort(key=lambda e: (e.kind != "prefix", e.name))
    return entries
