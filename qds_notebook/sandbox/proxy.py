"""A fault-injecting TCP proxy on 127.0.0.1, for fault tests and benchmarks.

It sits between the SDK and the sandbox and, per connection, reads the request head to
learn the AWS service from the SigV4 credential scope (``.../sts/aws4_request``), then
applies that service's rule: add latency, refuse (reset the connection), answer with a
throttling error, or reset after some request bytes (a broken upload). moto answers
``Connection: close``, so a connection is a request and rules apply per request.
"""

from __future__ import annotations

import contextlib
import re
import socket
import struct
import threading
import time
from dataclasses import dataclass, field

__all__ = ["FaultProxy", "Rule"]

_SCOPE = re.compile(rb"Credential=[^/]+/\d{8}/[^/]+/([a-z0-9-]+)/aws4_request")
_THROTTLE = {
    "sts": (
        400,
        b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
        b"<Message>Rate exceeded</Message></Error><RequestId>proxy</RequestId>"
        b"</ErrorResponse>",
    ),
    "s3": (
        503,
        b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code>'
        b"<Message>Please reduce your request rate.</Message>"
        b"<RequestId>proxy</RequestId></Error>",
    ),
}


@dataclass
class Rule:
    """What to do to one service's requests.

    Attributes
    ----------
    latency
        Seconds added before each request is forwarded.
    refuse
        Reset every connection (the service is unreachable).
    throttle
        Answer this many of the next requests with the service's throttling error.
    reset_after
        Reset the connection once the client has sent this many bytes (a broken upload);
        ``reset_count`` connections are broken, then requests pass again.
    """

    latency: float = 0.0
    refuse: bool = False
    throttle: int = 0
    reset_after: int | None = None
    reset_count: int = 1
    seen: int = field(default=0, init=False)


class FaultProxy:
    """Forward 127.0.0.1:``port`` to ``upstream`` with per-service fault rules."""

    def __init__(self, upstream: str, *, latency: float = 0.0) -> None:
        host, _, port = upstream.removeprefix("http://").partition(":")
        self.upstream = (host, int(port.rstrip("/")))
        self.default = Rule(latency=latency)
        self.rules: dict[str, Rule] = {}
        self._lock = threading.Lock()
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(256)
        self.port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="fault-proxy", daemon=True)

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def rule(self, service: str) -> Rule:
        """The (mutable) rule for ``service`` (``"sts"``, ``"s3"``, ``"iam"``)."""
        with self._lock:
            return self.rules.setdefault(service, Rule(latency=self.default.latency))

    def clear(self) -> None:
        """Back to plain forwarding (keeping the default latency)."""
        with self._lock:
            self.rules.clear()

    def close(self) -> None:
        """Stop accepting and close the listening socket."""
        self._stop.set()
        with contextlib.suppress(OSError):
            self._sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    @staticmethod
    def _reset(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()

    def _handle(self, client: socket.socket) -> None:
        head = b""
        client.settimeout(30)
        try:
            while b"\r\n\r\n" not in head and len(head) < 65536:
                chunk = client.recv(65536)
                if not chunk:
                    client.close()
                    return
                head += chunk
        except OSError:
            client.close()
            return
        m = _SCOPE.search(head)
        service = m.group(1).decode() if m else "other"
        with self._lock:
            rule = self.rules.get(service, self.default)
            rule.seen += 1
            throttle = rule.throttle > 0
            if throttle:
                rule.throttle -= 1
            reset_after = rule.reset_after if rule.reset_count > 0 else None
            if reset_after is not None:
                rule.reset_count -= 1
            refuse, latency = rule.refuse, rule.latency
        if latency:
            time.sleep(latency)
        if refuse:
            self._reset(client)
            return
        if throttle:
            status, body = _THROTTLE.get(service, _THROTTLE["s3"])
            reason = b"Bad Request" if status == 400 else b"Slow Down"
            client.sendall(
                b"HTTP/1.1 %d %s\r\nContent-Type: text/xml\r\nContent-Length: %d\r\n"
                b"Connection: close\r\n\r\n%s" % (status, reason, len(body), body)
            )
            client.close()
            return
        try:
            upstream = socket.create_connection(self.upstream, timeout=30)
        except OSError:
            self._reset(client)
            return
        upstream.sendall(head)
        sent = [len(head)]
        done = threading.Event()

        def pump_up() -> None:
            try:
                while True:
                    if reset_after is not None and sent[0] >= reset_after:
                        self._reset(client)
                        self._reset(upstream)
                        return
                    data = client.recv(65536)
                    if not data:
                        with contextlib.suppress(OSError):
                            upstream.shutdown(socket.SHUT_WR)
                        return
                    sent[0] += len(data)
                    upstream.sendall(data)
            except OSError:
                return
            finally:
                done.set()

        threading.Thread(target=pump_up, daemon=True).start()
        try:
            while True:
                data = upstream.recv(65536)
                if not data:
                    break
                client.sendall(data)
        except OSError:
            pass
        finally:
            done.wait(timeout=30)
            for sock in (client, upstream):
                with contextlib.suppress(OSError):
                    sock.close()
