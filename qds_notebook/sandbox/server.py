"""A moto server process on 127.0.0.1 with IAM authorization switchable on and off."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import Any

from qds_notebook.errors import SandboxError

__all__ = ["MotoServer", "free_port"]


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class MotoServer:
    """moto in server mode, in a child process, bound to loopback.

    Parameters
    ----------
    port
        The port; default a free one.
    """

    def __init__(self, *, port: int | None = None, log_path: str | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log_path = log_path
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self, *, timeout: float = 30.0) -> None:
        """Start the process and wait until it answers."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env["MOTO_PORT"] = str(self.port)
        out = open(self._log_path, "ab") if self._log_path else subprocess.DEVNULL  # noqa: SIM115
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
            )
        finally:
            if out is not subprocess.DEVNULL:
                out.close()  # type: ignore[union-attr]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise SandboxError(
                    f"moto server exited with code {self._proc.returncode} on port {self.port}",
                    hint="is moto[server] installed? pip install 'moto[server]'",
                )
            with contextlib.suppress(OSError):
                self.request("GET", "/moto-api/data.json", timeout=1.0)
                return
            time.sleep(0.05)
        self.stop()
        raise SandboxError(f"moto server did not answer on {self.url} within {timeout:.0f} s")

    def request(
        self, method: str, path: str, body: bytes | None = None, *, timeout: float = 10.0
    ) -> bytes:
        """A raw request to the server's ``/moto-api`` (needs no credentials)."""
        req = urllib.request.Request(
            self.url + path, data=body, method=method, headers={"Content-Type": "text/plain"}
        )
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return bytes(resp.read())

    def set_enforcement(self, enforced: bool) -> None:
        """Turn IAM authorization on (every request checked) or off (for seeding)."""
        self.request("POST", "/moto-api/reset-auth", b"0" if enforced else b"inf")

    def state(self) -> dict[str, Any]:
        """The backend state (``/moto-api/data.json``)."""
        try:
            return dict(json.loads(self.request("GET", "/moto-api/data.json", timeout=30.0)))
        except urllib.error.HTTPError as exc:
            raise SandboxError(
                f"moto could not report its state (HTTP {exc.code})",
                hint="moto fails to serialise its state after a multipart upload; use a "
                "separate sandbox for tests that write large objects",
            ) from None

    def stop(self) -> None:
        """Stop the process."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=10)
        self._proc = None
