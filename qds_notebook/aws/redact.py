"""Keep secrets out of log records, including botocore's own DEBUG output.

botocore logs request headers at DEBUG, ``X-Amz-Security-Token`` among them. Every
secret this package holds is registered here, and a log-record factory (installed on
first registration, chained to any existing one) rewrites a record whose message
contains one. Only records that are actually emitted pay for the check.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Any

__all__ = ["REDACTED", "install", "redact", "register_secret"]

REDACTED = "***redacted***"
_secrets: set[str] = set()
_lock = threading.Lock()
_installed = False
_MAX = 512  # old credentials age out; keep the check cheap


# Shapes secrets take before the package has seen them: botocore logs the AssumeRole
# response body and the signed request's token header at DEBUG.
_SHAPES = re.compile(
    r"(?P<a><(?P<tag>SecretAccessKey|SessionToken|SecretKey|Token)>)[^<]*(?P=a_close)".replace(
        "(?P=a_close)", "</(?P=tag)>"
    )
    + r"|(?P<h>[Xx]-[Aa]mz-[Ss]ecurity-[Tt]oken['\"]?\s*[:=]\s*b?['\"]?)[A-Za-z0-9+/=]+"
    + r"|(?P<j>['\"](?:SecretAccessKey|SessionToken|aws_secret_access_key|aws_session_token)"
    r"['\"]\s*:\s*['\"])[^'\"]+"
)


def _shape(m: re.Match[str]) -> str:
    if m.group("a"):
        return f"{m.group('a')}{REDACTED}</{m.group('tag')}>"
    return f"{m.group('h') or m.group('j')}{REDACTED}"


def redact(text: str) -> str:
    """``text`` with every registered secret, and every secret-shaped field, redacted."""
    text = _SHAPES.sub(_shape, text)
    for secret in tuple(_secrets):
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


def install() -> None:
    """Install the redacting log-record factory (once per process)."""
    with _lock:
        if not _installed:
            _install()


def _install() -> None:
    global _installed
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is logging's problem, not ours
            return record
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        return record

    logging.setLogRecordFactory(factory)
    _installed = True


def register_secret(*values: str | None) -> None:
    """Add secrets (secret keys, session tokens) to redact from log records."""
    with _lock:
        if len(_secrets) > _MAX:
            _secrets.clear()
        _secrets.update(v for v in values if v and len(v) >= 8)
        if not _installed:
            _install()
