"""Optional on-disk cache of temporary credentials (off by default).

Only temporary STS credentials are ever stored, one JSON file per role session, mode
0600 in a 0700 directory, written to a temporary file and renamed into place so a
reader never sees half a file. A corrupt or foreign-owned file is ignored and replaced.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import stat
import tempfile
from datetime import datetime
from pathlib import Path

from qds_notebook.aws.snapshot import CredentialSnapshot

__all__ = ["CredentialCache"]

log = logging.getLogger(__name__)


class CredentialCache:
    """A directory of cached temporary credentials.

    Parameters
    ----------
    directory
        Where the files live; created 0700 if missing.
    """

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory).expanduser()

    def __repr__(self) -> str:
        return f"CredentialCache({str(self.directory)!r})"

    def path_for(self, key: tuple[object, ...]) -> Path:
        """The file for one role session key (a digest: no names leak into file names)."""
        digest = hashlib.sha256(json.dumps(key, default=str).encode()).hexdigest()[:32]
        return self.directory / f"{digest}.json"

    def load(self, key: tuple[object, ...]) -> CredentialSnapshot | None:
        """The cached snapshot for ``key``, or ``None`` if absent, unsafe or corrupt."""
        path = self.path_for(key)
        try:
            st = path.stat()
        except FileNotFoundError:
            return None
        if stat.S_IMODE(st.st_mode) & 0o077 or st.st_uid != os.getuid():
            log.warning("ignoring credential cache file %s: not private to this user", path)
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return CredentialSnapshot(
                access_key_id=data["AccessKeyId"],
                secret_key=data["SecretAccessKey"],
                token=data["SessionToken"],
                expiry=datetime.fromisoformat(data["Expiration"]),
                role_arn=data["RoleArn"],
            )
        except (OSError, ValueError, KeyError, TypeError):
            log.warning("ignoring corrupt credential cache file %s", path)
            return None

    def store(self, key: tuple[object, ...], snapshot: CredentialSnapshot) -> Path:
        """Write ``snapshot`` atomically with mode 0600; returns the file."""
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = self.path_for(key)
        payload = json.dumps(
            {
                "AccessKeyId": snapshot.access_key_id,
                "SecretAccessKey": snapshot.secret_key,
                "SessionToken": snapshot.token,
                "Expiration": snapshot.expiry.isoformat(),
                "RoleArn": snapshot.role_arn,
            }
        )
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=self.directory)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(payload)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        return path
