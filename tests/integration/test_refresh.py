"""One AssumeRole per validity window, however many handles, threads and reads."""

from __future__ import annotations

import json
import os
import stat
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pytest

from qds_notebook.aws.credentials import refresh_windows

from .conftest import ALICE_ROLE


def _reads(ses, n_threads: int = 16) -> None:
    """Read through the s3fs filesystem, the boto3 session and pandas from many threads."""
    fs = ses.filesystem()
    s3 = ses.boto3_session().client("s3")
    opts = ses.storage_options()

    def one(i: int) -> int:
        kind = i % 3
        if kind == 0:
            return len(fs.cat_file("acme-defloc/qds/sales/2024.csv"))
        if kind == 1:
            obj = s3.get_object(Bucket="acme-defloc", Key="qds/sales/parts/part-0.csv")
            return len(obj["Body"].read())
        return len(pd.read_csv("s3://acme-defloc/qds/sales/2024.csv", storage_options=opts))

    with ThreadPoolExecutor(n_threads) as pool:
        results = list(pool.map(one, range(n_threads * 3)))
    assert all(r > 0 for r in results)


def test_one_assume_role_per_window_across_handles_threads_and_rollovers(sb, clock):
    ses = sb.session("alice@acme.com", clock=clock, duration_seconds=900)
    before = len(sb.assume_role_calls(ALICE_ROLE))
    _reads(ses)
    assert len(sb.assume_role_calls(ALICE_ROLE)) == before + 1
    windows = refresh_windows(900)
    for rollover in range(1, 4):
        # Age the credentials into their advisory window: every handle must refresh,
        # and between them STS must be called exactly once.
        clock.advance(900 - windows.advisory + 5)
        _reads(ses)
        assert len(sb.assume_role_calls(ALICE_ROLE)) == before + 1 + rollover
    # Without time passing, more reads cost nothing.
    _reads(ses)
    assert len(sb.assume_role_calls(ALICE_ROLE)) == before + 4


def test_mandatory_window_refreshes_before_the_request(sb, clock):
    ses = sb.session("alice@acme.com", clock=clock, duration_seconds=900)
    fs = ses.filesystem()
    first = ses.credentials().access_key_id
    clock.advance(900 - refresh_windows(900).mandatory + 1)
    assert fs.cat_file("acme-defloc/qds/sales/2024.csv")
    assert ses.credentials().access_key_id != first


def test_refresh_windows_scale_with_lifetime():
    short, hour, long = refresh_windows(900), refresh_windows(3600), refresh_windows(43200)
    assert (short.advisory, short.mandatory) == (225, 90)
    assert (hour.advisory, hour.mandatory) == (900, 360)
    assert (long.advisory, long.mandatory) == (900, 600)


def test_disk_cache_is_off_by_default_and_shares_credentials_when_on(sb, tmp_path):
    ses = sb.session("alice@acme.com")
    assert ses.config.cache_dir is None
    cache = tmp_path / "creds"
    first = sb.session("alice@acme.com", cache_dir=str(cache))
    first.identity()
    files = list(cache.iterdir())
    assert len(files) == 1
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    before = len(sb.assume_role_calls(ALICE_ROLE))
    second = sb.session("alice@acme.com", cache_dir=str(cache))
    second.identity()
    assert len(sb.assume_role_calls(ALICE_ROLE)) == before  # served from the cache
    data = json.loads(files[0].read_text())
    assert set(data) == {"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration", "RoleArn"}
    assert data["AccessKeyId"].startswith("ASIA")  # temporary credentials only


@pytest.mark.parametrize("garbage", [b"{not json", b"", b'{"AccessKeyId": 1}'])
def test_corrupt_cache_file_is_ignored_and_replaced(sb, tmp_path, garbage):
    cache = tmp_path / "creds"
    sb.session("alice@acme.com", cache_dir=str(cache)).identity()
    (path,) = cache.iterdir()
    path.write_bytes(garbage)
    before = len(sb.assume_role_calls(ALICE_ROLE))
    ses = sb.session("alice@acme.com", cache_dir=str(cache))
    assert ses.identity().arn.endswith("qds-alice-acme.com")
    assert len(sb.assume_role_calls(ALICE_ROLE)) == before + 1
    assert json.loads(path.read_text())["AccessKeyId"] == ses.credentials().access_key_id
    assert [p.name for p in cache.iterdir()] == [path.name]  # no temp file left


def test_cache_file_readable_by_others_is_not_trusted(sb, tmp_path):
    cache = tmp_path / "creds"
    sb.session("alice@acme.com", cache_dir=str(cache)).identity()
    (path,) = cache.iterdir()
    os.chmod(path, 0o644)
    before = len(sb.assume_role_calls(ALICE_ROLE))
    sb.session("alice@acme.com", cache_dir=str(cache)).identity()
    assert len(sb.assume_role_calls(ALICE_ROLE)) == before + 1
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
