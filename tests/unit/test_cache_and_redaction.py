"""The 0600 credential cache file and the log redaction, without a server."""

from __future__ import annotations

import logging
import stat
from datetime import UTC, datetime, timedelta

from qds_notebook.aws.cache import CredentialCache
from qds_notebook.aws.redact import REDACTED, redact, register_secret
from qds_notebook.aws.snapshot import CredentialSnapshot

SNAP = CredentialSnapshot(
    access_key_id="ASIAEXAMPLEKEY123456",
    secret_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    token="FQoGZXIvYXdzEXAMPLETOKEN+/=",
    expiry=datetime(2030, 1, 1, tzinfo=UTC),
    role_arn="arn:aws:iam::123456789012:role/x",
)


def test_snapshot_repr_masks_secret_and_token():
    text = repr(SNAP) + str(SNAP)
    assert SNAP.secret_key not in text and SNAP.token not in text
    assert "ASIAEXAM…" in text and SNAP.access_key_id not in text


def test_cache_round_trip_private_and_atomic(tmp_path):
    cache = CredentialCache(tmp_path / "c")
    path = cache.store(("k",), SNAP)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert cache.load(("k",)) == SNAP
    assert cache.load(("other",)) is None
    assert [p.name for p in path.parent.iterdir()] == [path.name]
    assert SNAP.role_arn not in path.name  # digest names only


def test_cache_remaining_uses_expiry():
    now = datetime(2029, 12, 31, 23, 0, tzinfo=UTC)
    assert SNAP.remaining(now) == timedelta(hours=1).total_seconds()


def test_registered_secrets_are_redacted_from_any_log_record(caplog):
    register_secret(SNAP.secret_key, SNAP.token)
    log = logging.getLogger("botocore.endpoint")
    with caplog.at_level(logging.DEBUG):
        log.debug("headers %s", {"X-Amz-Security-Token": SNAP.token, "k": SNAP.secret_key})
    text = caplog.text
    assert SNAP.token not in text and SNAP.secret_key not in text and REDACTED in text


def test_secret_shapes_are_redacted_before_registration():
    body = (
        "<SecretAccessKey>abcDEF123/+xyz</SecretAccessKey>"
        "<SessionToken>tok+/=</SessionToken> 'X-Amz-Security-Token': b'Zm9v+/='"
    )
    out = redact(body)
    assert "abcDEF123" not in out and "tok+/=" not in out and "Zm9v" not in out
