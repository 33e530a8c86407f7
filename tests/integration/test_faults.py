"""Fault tests: a fault-injecting proxy between the SDK and the sandbox (loopback only)."""

from __future__ import annotations

import uuid

import numpy as np
import pandas as pd
import pytest

import qds_notebook as qds
from qds_notebook.aws.credentials import refresh_windows
from qds_notebook.sandbox.proxy import FaultProxy

ALICE = "arn:aws:iam::123456789012:role/alice-analyst"


@pytest.fixture(scope="module")
def sb():
    # A sandbox of its own: after a multipart upload moto can no longer serialise its state
    # (GET /moto-api/data.json answers 500), which the shared sandbox's AssumeRole counts need.
    from qds_notebook import sandbox

    with sandbox.start() as running:
        yield running


@pytest.fixture
def proxy(sb):
    with FaultProxy(sb.endpoint_url) as p:
        yield p


def via(sb, proxy, user="alice@acme.com", **kw):
    return sb.session(user, endpoint_url=proxy.url, **kw)


def test_sts_down_in_advisory_window_keeps_reads_working_then_mandatory_fails_clearly(
    sb, proxy, clock
):
    ses = via(sb, proxy, clock=clock, duration_seconds=900, max_attempts=2)
    fs = ses.filesystem()
    s3 = ses.client("s3")
    assert len(ses.read_csv("sales/2024.csv")) == 120
    first = ses.credentials().access_key_id
    w = refresh_windows(900)
    proxy.rule("sts").refuse = True
    clock.advance(900 - w.advisory + 5)  # advisory window: refresh fails, old creds serve
    for _ in range(3):
        assert len(ses.read_csv("sales/2024.csv")) == 120
        assert fs.cat_file("acme-defloc/qds/sales/parts/part-0.csv")
        assert s3.get_object(Bucket="acme-defloc", Key="qds/sales/2024.csv")["ContentLength"]
    assert ses.credentials().access_key_id == first
    clock.advance(w.advisory - w.mandatory + 5)  # mandatory window: must refresh, cannot
    with pytest.raises(qds.CredentialRefreshError) as info:
        ses.read_csv("sales/2024.csv")
    msg = str(info.value)
    assert ALICE in msg and proxy.url in msg and "\n" not in msg
    with pytest.raises(qds.CredentialRefreshError):
        s3.get_object(Bucket="acme-defloc", Key="qds/sales/2024.csv")
    proxy.rule("sts").refuse = False  # STS answers again: recovery on the next call
    assert len(ses.read_csv("sales/2024.csv")) == 120
    assert fs.cat_file("acme-defloc/qds/sales/parts/part-0.csv")
    assert ses.credentials().access_key_id != first


def test_sts_throttling_is_retried_up_to_the_configured_limit(sb, proxy):
    proxy.rule("sts").throttle = 2
    ses = via(sb, proxy, max_attempts=3)
    assert ses.identity().arn.endswith("qds-alice-acme.com")
    assert proxy.rule("sts").throttle == 0
    proxy.rule("sts").throttle = 3
    proxy.rule("sts").seen = 0
    with pytest.raises(qds.CredentialRefreshError, match="throttling"):
        via(sb, proxy, max_attempts=3).identity()
    assert proxy.rule("sts").seen == 3  # exactly the configured attempts, then surfaced


def test_s3_throttling_is_retried_not_surfaced(sb, proxy):
    ses = via(sb, proxy, max_attempts=4)
    ses.identity()
    proxy.rule("s3").throttle = 3
    assert len(ses.read_csv("sales/2024.csv")) == 120
    assert proxy.rule("s3").throttle == 0
    s3 = ses.client("s3")
    proxy.rule("s3").throttle = 3
    assert s3.head_object(Bucket="acme-defloc", Key="qds/sales/2024.csv")["ContentLength"]


def _big_frame(mb: int = 20) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    return pd.DataFrame(rng.random((mb * 2**20 // 8 // 4, 4)), columns=list("abcd"))


def _keys(s3, prefix):
    return [
        o["Key"]
        for o in s3.list_objects_v2(Bucket="acme-defloc", Prefix=prefix).get("Contents", [])
    ]


def test_multipart_write_survives_a_reset_part(sb, proxy):
    ses = via(sb, proxy, "bob@acme.com")
    ses.identity()
    frame = _big_frame()
    key = f"out/mpu-{uuid.uuid4().hex}.parquet"
    proxy.rule("s3").reset_after = 3 * 2**20  # one upload connection dies mid-body
    proxy.rule("s3").reset_count = 1
    ses.to_parquet(frame, key)
    assert proxy.rule("s3").reset_count == 0  # the reset really happened
    proxy.clear()
    back = ses.read_parquet(key)
    assert back.shape == frame.shape and np.allclose(back.a.values, frame.a.values)


def test_multipart_write_that_cannot_finish_leaves_nothing_under_the_key(sb, proxy):
    ses = via(sb, proxy, "bob@acme.com", max_attempts=2)
    ses.identity()
    s3 = sb.session("bob@acme.com").client("s3")
    key = f"out/broken-{uuid.uuid4().hex}.parquet"
    proxy.rule("s3").reset_after = 3 * 2**20
    proxy.rule("s3").reset_count = 1000
    with pytest.raises(qds.QdsError):
        ses.to_parquet(_big_frame(), key)
    proxy.clear()
    assert _keys(s3, f"qds/{key}") == []
    uploads = s3.list_multipart_uploads(Bucket="acme-defloc", Prefix=f"qds/{key}")
    assert uploads.get("Uploads", []) == []  # aborted, no orphaned parts


def test_slow_responses_during_a_write_still_complete(sb, proxy):
    ses = via(sb, proxy, "bob@acme.com")
    ses.identity()
    proxy.rule("s3").latency = 0.3
    key = f"out/slow-{uuid.uuid4().hex}.parquet"
    frame = _big_frame(18)
    ses.to_parquet(frame, key)
    proxy.clear()
    assert ses.read_parquet(key).shape == frame.shape


def test_a_probe_that_times_out_is_an_error_row_not_a_hang(sb, proxy):
    import time

    ses = via(sb, proxy, max_attempts=1)
    ses.identity()
    proxy.rule("s3").latency = 3.0
    start = time.perf_counter()
    report = ses.check(timeout=1.0)
    took = time.perf_counter() - start
    proxy.clear()
    s3_rows = [r for r in report.rows if r.action.startswith("s3:")]
    assert s3_rows and all(r.probe in {"error", "skipped"} for r in s3_rows)
    assert any("timed out" in r.note or "Timeout" in r.note for r in s3_rows)
    assert took < 15  # bounded: the pool does not wait for the slow requests
