"""qds:// and Dask on a LocalCluster with worker *processes* against the sandbox."""

from __future__ import annotations

import pickle
import uuid

import fsspec
import pandas as pd
import pytest

import qds_notebook as qds

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

CLOCK = "tests.integration.fakeclock:CLOCK"


@pytest.fixture
def env(sb, monkeypatch):
    """Base credentials and config in the environment, as a worker would have them."""
    for key in list(__import__("os").environ):
        if key.startswith("AWS_"):
            monkeypatch.delenv(key)
    for key, value in sb.base_env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("QDS_USER", "alice@acme.com")
    return sb


@pytest.fixture
def client(env):
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1"
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def test_qds_protocol_reads_through_pandas_and_fsspec(env):
    assert pd.read_parquet("qds://sales/2024.parquet").shape == (120, 4)
    df = pd.read_csv("qds://sales/2024.csv", storage_options={"role": "account"})
    assert len(df) == 120
    with fsspec.open("qds://sales/parts/part-1.csv", "rt") as fh:
        assert fh.readline().startswith("order_id")
    fs = fsspec.filesystem("qds")
    assert fs.glob("sales/parts/*.csv") == [f"sales/parts/part-{i}.csv" for i in range(4)]


@pytest.mark.parametrize(
    "path", ["qds://../other-team/payroll.csv", "qds://s3://acme-raw/sales/raw-2024.csv"]
)
def test_qds_protocol_refuses_paths_outside_the_default_location(env, path):
    with pytest.raises(qds.PathError):
        pd.read_csv(path)


def test_qds_filesystem_pickles_without_secrets_and_rebuilds(env):
    fs = fsspec.filesystem("qds", role="account")
    blob = pickle.dumps(fs)
    assert not [s for s in env.issued_secrets() if s.encode() in blob]
    again = pickle.loads(blob)
    assert again.cat_file("sales/parts/part-0.csv").startswith(b"order_id")
    opts = pickle.dumps(qds.connect().dask_storage_options())
    assert not [s for s in env.issued_secrets() if s.encode() in opts]


def test_dask_reads_computes_and_writes_back_on_worker_processes(client, env):
    expected = pd.read_csv("qds://sales/2024.csv")
    ddf = dd.read_csv("qds://sales/parts/*.csv")
    assert ddf.npartitions == 4
    assert int(ddf.units.sum().compute()) == int(expected.units.sum())
    pq = dd.read_parquet("qds://sales/dataset/")
    out = f"qds://out/dask-{uuid.uuid4().hex}/"
    summary = pq.groupby("region").units.sum().to_frame().reset_index()
    dd.from_pandas(summary.compute(), npartitions=1).to_parquet(
        out, storage_options={"role": "account"}
    )
    back = pd.read_parquet(out, storage_options={"role": "account"})
    assert sorted(back.region) == ["amer", "apac", "emea"]
    # the s3:// route: dask_storage_options travel to the workers without a key
    ses = qds.connect()
    total = (
        dd.read_csv(
            "s3://acme-defloc/qds/sales/parts/*.csv", storage_options=ses.dask_storage_options()
        )
        .units.sum()
        .compute()
    )
    assert int(total) == int(expected.units.sum())


def test_dask_write_outside_permissions_fails_on_the_client_not_a_hang(client, env):
    ddf = dd.read_csv("qds://sales/parts/*.csv")  # alice's override: read-only
    with pytest.raises(PermissionError):
        ddf.to_parquet(f"qds://out/denied-{uuid.uuid4().hex}/", compute=True)


def test_workers_refresh_short_lived_credentials_during_a_running_job(env):
    from dask import delayed

    from tests.integration import fakeclock

    role = "arn:aws:iam::123456789012:role/alice-analyst"
    cluster = distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1"
    )
    with distributed.Client(cluster) as client:
        opts = {"clock": CLOCK, "duration_seconds": 900}
        before = len(env.assume_role_calls(role))

        def read(_prev: object = None) -> int:
            fs = fsspec.filesystem("qds", **opts)
            return len(fs.cat_file("sales/2024.csv"))

        first = delayed(read)()
        aged = delayed(lambda _: fakeclock.advance(900 - 225 + 5))(first)  # into advisory
        second = delayed(read)(aged)
        third = delayed(read)(second)
        sizes = client.compute([first, second, third], sync=True)
    cluster.close()
    assert all(s > 1000 for s in sizes)  # zero failed reads
    calls = env.assume_role_calls(role)[before:]
    assert len(calls) == 2  # the worker's first assume + exactly one refresh mid-job
