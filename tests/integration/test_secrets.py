"""No secret key or session token in any repr, log line, error text or CLI output."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import uuid

import pandas as pd
import pytest

import qds_notebook as qds
from tests.conftest import find_secrets


def test_journey_reprs_errors_and_debug_logs_hold_no_secret(sb, caplog):
    caplog.set_level(logging.DEBUG)  # botocore logs request headers at DEBUG
    seen: list[str] = []
    ses = sb.session("alice@acme.com")
    seen += [repr(ses), str(ses.effective_role), repr(ses.choices())]
    seen += [repr(ses.identity()), repr(ses.credentials()), str(ses.credentials())]
    seen += [repr(ses.filesystem()), repr(ses.filesystem().storage_options)]
    seen += [repr(ses.storage_options()), repr(ses.source())]
    ses.read_csv("sales/2024.csv")
    for action in (
        lambda: ses.to_parquet(pd.DataFrame({"a": [1]}), f"out/{uuid.uuid4().hex}.parquet"),
        lambda: ses.read_csv("sales/missing.csv"),
        lambda: ses.use("arn:aws:iam::123456789012:role/qds-instances"),
    ):
        with pytest.raises(qds.QdsError) as info:
            action()
        seen.append(str(info.value))
        seen.append(repr(info.value))
    ses.use("account")
    ses.refresh()
    ses.identity()
    seen.append(repr(ses))
    bad = sb.session("bob@acme.com", external_id="wrong-external-id")
    with pytest.raises(qds.AssumeRoleDenied) as info:
        bad.identity()
    seen.append(str(info.value))
    records = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert len(caplog.records) > 50  # botocore really logged at DEBUG
    secrets = sb.issued_secrets()
    assert len(secrets) >= 5
    assert find_secrets("\n".join(seen) + records, secrets) == []


def test_demo_output_holds_no_secret(sb):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "QDS_"))}
    proc = subprocess.run(
        [sys.executable, "-m", "qds_notebook", "demo"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "override for alice@acme.com" in out
    assert "assumed-role/alice-analyst/qds-alice-acme.com" in out
    assert "write refused" in out and "write          : 3 rows" in out
    assert "Demo finished: as designed." in out
    # The demo's sandbox is its own server; its secrets never reached this process, so
    # scan for the shapes secrets take instead: no 40-char secret, no session token.
    import re

    assert not re.search(r"FQoGZXIvYXdz", out + proc.stderr)  # moto session-token prefix
    assert not re.search(r"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])", out)
