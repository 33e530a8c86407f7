"""The embedded sandbox: moto in server mode on 127.0.0.1, IAM authorization enforced,
seeded with a believable QDS account (see :mod:`qds_notebook.sandbox.seed`).

>>> from qds_notebook import sandbox
>>> with sandbox.start() as sb:                       # doctest: +SKIP
...     ses = sb.session("alice@acme.com")
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from qds_notebook.sandbox.seed import ACCOUNT_ID, SEED, config_toml, seed_account
from qds_notebook.sandbox.server import MotoServer

__all__ = ["ACCOUNT_ID", "SEED", "Sandbox", "start"]


class Sandbox:
    """A running, seeded sandbox.

    Attributes
    ----------
    endpoint_url
        ``"http://127.0.0.1:PORT"``.
    config_path
        The account config file (public TOML schema) for this sandbox.
    base_env
        Environment variables a child process needs (base credentials, ``QDS_CONFIG``).
    """

    def __init__(
        self,
        server: MotoServer,
        directory: Path,
        base_keys: dict[str, str],
        *,
        region: str,
        owns_directory: bool = True,
    ) -> None:
        self.server = server
        self.directory = directory
        self._owns_directory = owns_directory
        self.region = region
        self.endpoint_url = server.url
        self._base_keys = base_keys
        self.config_path = str(directory / "config.toml")
        Path(self.config_path).write_text(
            config_toml(endpoint_url=server.url, region=region), encoding="utf-8"
        )

    def __repr__(self) -> str:
        return f"<qds_notebook Sandbox {self.endpoint_url} config={self.config_path}>"

    @property
    def base_env(self) -> dict[str, str]:
        """Base credentials and config location for a child process (holds a secret)."""
        return {
            "AWS_ACCESS_KEY_ID": self._base_keys["aws_access_key_id"],
            "AWS_SECRET_ACCESS_KEY": self._base_keys["aws_secret_access_key"],
            "AWS_DEFAULT_REGION": self.region,
            "AWS_EC2_METADATA_DISABLED": "true",
            "QDS_CONFIG": self.config_path,
            "QDS_SANDBOX_ENDPOINT": self.endpoint_url,
        }

    def base_session(self) -> Any:
        """A boto3 session holding the platform's base credentials."""
        from qds_notebook.aws.handles import Endpoint, base_boto3_session

        return base_boto3_session(
            profile=None,
            endpoint=Endpoint(region=self.region, url=self.endpoint_url),
            **self._base_keys,
        )

    def session(self, user: str, **kwargs: Any) -> Any:
        """``qds.connect(user=user, config=sb.config_path)`` with the base credentials."""
        from qds_notebook.session import Session

        kwargs.setdefault("env", {})
        return Session.connect(
            user=user, config=self.config_path, base=self.base_session(), **kwargs
        )

    def assume_role_calls(self, role_arn: str | None = None) -> list[dict[str, Any]]:
        """The server's record of AssumeRole sessions (optionally for one role)."""
        sessions = self.server.state().get("sts", {}).get("AssumedRole", [])
        return [s for s in sessions if role_arn is None or s.get("role_arn") == role_arn]

    def issued_secrets(self) -> list[str]:
        """Every secret key and session token the server has issued (for leak scans)."""
        state = self.server.state()
        out = [self._base_keys["aws_secret_access_key"]]
        for s in state.get("sts", {}).get("AssumedRole", []):
            out += [s["secret_access_key"], s["session_token"]]
        return [x for x in out if x]

    def enforcement(self, enforced: bool) -> None:
        """Switch IAM authorization on or off."""
        self.server.set_enforcement(enforced)

    def stop(self) -> None:
        """Stop the server and remove what the sandbox wrote (a directory given to it stays)."""
        self.server.stop()
        if self._owns_directory:
            shutil.rmtree(self.directory, ignore_errors=True)
        else:
            for name in ("config.toml", "moto.log"):
                (self.directory / name).unlink(missing_ok=True)


@contextlib.contextmanager
def start(
    *, port: int | None = None, region: str = "us-east-1", directory: str | None = None
) -> Iterator[Sandbox]:
    """Start moto on 127.0.0.1, seed the account, enforce IAM; stop and clean up on exit.

    Parameters
    ----------
    port
        Port to bind; default a free one.
    directory
        Where to write ``config.toml``; default a fresh temporary directory.
    """
    sb = launch(port=port, region=region, directory=directory)
    try:
        yield sb
    finally:
        sb.stop()


def launch(
    *, port: int | None = None, region: str = "us-east-1", directory: str | None = None
) -> Sandbox:
    """Like :func:`start` but the caller stops it with :meth:`Sandbox.stop`."""
    path = Path(directory) if directory else Path(tempfile.mkdtemp(prefix="qds-sandbox-"))
    path.mkdir(parents=True, exist_ok=True)
    server = MotoServer(port=port, log_path=str(path / "moto.log"))
    server.start()
    try:
        server.set_enforcement(False)
        keys = seed_account(server.url, region=region)
        server.set_enforcement(True)
        return Sandbox(server, path, keys, region=region, owns_directory=directory is None)
    except BaseException:
        server.stop()
        raise
