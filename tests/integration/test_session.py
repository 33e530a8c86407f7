"""The core SDK rules against the sandbox server."""

from __future__ import annotations

import json
import uuid

import pandas as pd
import pytest

import qds_notebook as qds
from qds_notebook.roles import scope_policy

from .conftest import ACCOUNT_ROLE, ALICE_ROLE, DUAL_ROLE


def test_alice_gets_her_override_by_default(sb):
    ses = sb.session("alice@acme.com")
    role = ses.effective_role
    assert (role.kind, role.arn, role.reason) == (
        "override",
        ALICE_ROLE,
        "override for alice@acme.com",
    )
    assert [c.kind for c in ses.choices()] == ["override", "account"]
    assert ses.identity().arn == (
        "arn:aws:sts::123456789012:assumed-role/alice-analyst/qds-alice-acme.com"
    )


def test_bob_without_override_gets_the_account_role(sb):
    ses = sb.session("bob@acme.com")
    assert ses.effective_role.kind == "account"
    assert "no override" in ses.effective_role.reason
    assert [c.kind for c in ses.choices()] == ["account"]
    assert ses.identity().arn.endswith("assumed-role/qds-account/qds-bob-acme.com")
    with pytest.raises(qds.RoleNotAllowed, match="has no role override"):
        ses.use("override")


def test_locked_user_cannot_switch_to_account_role(sb):
    ses = sb.session("carol@acme.com")
    assert [c.kind for c in ses.choices()] == ["override"]
    with pytest.raises(qds.RoleNotAllowed, match="locked"):
        ses.use("account")
    with pytest.raises(qds.RoleNotAllowed):
        ses.use(ACCOUNT_ROLE)


def test_use_refuses_another_users_override_and_arbitrary_arns(sb):
    ses = sb.session("bob@acme.com")
    for arn in (ALICE_ROLE, "arn:aws:iam::999999999999:role/anything"):
        with pytest.raises(qds.RoleNotAllowed) as info:
            ses.use(arn)
        assert "choose one of: account" in str(info.value)
        assert ses.effective_role.kind == "account"  # nothing changed


def test_assume_role_sends_arn_external_id_session_name_and_duration(sb):
    before = len(sb.assume_role_calls(ALICE_ROLE))
    ses = sb.session("alice@acme.com", duration_seconds=1800)
    ses.identity()
    calls = sb.assume_role_calls(ALICE_ROLE)
    assert len(calls) == before + 1
    call = calls[-1]
    assert call["external_id"] == "qds-alice-19c2"
    assert call["session_name"] == "qds-alice-acme.com"
    assert call["policy"] is None
    assert 1790 <= ses.expires_in() <= 1800


def test_switching_uses_the_account_roles_own_external_id(sb):
    ses = sb.session("alice@acme.com")
    ses.use("account")
    assert ses.identity().arn.endswith("assumed-role/qds-account/qds-alice-acme.com")
    assert sb.assume_role_calls(ACCOUNT_ROLE)[-1]["external_id"] == "qds-acme-7f3a"


def test_scope_default_location_attaches_the_session_policy(sb):
    ses = sb.session("alice@acme.com")
    ses.use("account", scope="default_location")
    ses.identity()
    call = sb.assume_role_calls(ACCOUNT_ROLE)[-1]
    assert json.loads(call["policy"]) == json.loads(scope_policy(ses.config.default_location))


def test_duration_is_validated_before_sts_is_called(sb):
    before = len(sb.assume_role_calls())
    with pytest.raises(qds.ConfigError, match=r"900\.\.43200"):
        sb.session("alice@acme.com", duration_seconds=300)
    ses = sb.session("alice@acme.com")
    with pytest.raises(qds.ConfigError, match=r"900\.\.43200"):
        ses.use("account", duration_seconds=50000)
    assert len(sb.assume_role_calls()) == before


def test_wrong_external_id_is_denied_with_role_caller_and_causes(sb):
    ses = sb.session("bob@acme.com", external_id="not-the-right-one")
    with pytest.raises(qds.AssumeRoleDenied) as info:
        ses.identity()
    err = info.value
    assert err.role_arn == ACCOUNT_ROLE
    assert err.caller_arn == "arn:aws:iam::123456789012:user/qds-platform"
    msg = str(err)
    assert ACCOUNT_ROLE in msg and "qds-platform" in msg
    assert "trust policy" in msg and "External ID" in msg
    assert "\n" not in msg


def test_dual_role_cannot_be_assumed_from_a_notebook(sb):
    ses = sb.session("bob@acme.com", role_arn=DUAL_ROLE)
    with pytest.raises(qds.AssumeRoleDenied, match="qds-instances"):
        ses.identity()


def test_invalid_base_credentials_say_so(sb):
    from qds_notebook.aws.handles import Endpoint, base_boto3_session

    bad = base_boto3_session(
        profile=None,
        endpoint=Endpoint(region="us-east-1", url=sb.endpoint_url),
        aws_access_key_id="AKIAUNKNOWNKEY000000",
        aws_secret_access_key="wrong",
    )
    ses = qds.Session.connect(user="bob@acme.com", config=sb.config_path, base=bad, env={})
    with pytest.raises(qds.BaseCredentialsError, match="base AWS credentials"):
        ses.identity()


def test_reads_resolve_under_the_default_location(sb):
    ses = sb.session("alice@acme.com")
    assert ses.read_csv("sales/2024.csv").shape == (120, 4)
    assert ses.read_parquet("sales/2024.parquet").shape == (120, 4)
    assert ses.read_parquet("sales/dataset/").shape == (120, 4)
    assert ses.read("sales/parts/part-1.csv").order_id.tolist()[0] == 31
    names = [e.name for e in ses.ls("sales/")]
    assert names[:2] == ["dataset/", "parts/"] and "2024.csv" in names


def test_paths_escaping_the_default_location_are_refused(sb):
    ses = sb.session("alice@acme.com")
    with pytest.raises(qds.PathError, match="escapes the default location"):
        ses.read_csv("../other-team/payroll.csv")
    assert ses.path("s3://acme-raw/sales/raw-2024.csv").bucket == "acme-raw"


def test_override_reads_the_data_bucket_but_cannot_write(sb):
    ses = sb.session("alice@acme.com")
    assert len(ses.read_csv("s3://acme-raw/sales/raw-2024.csv")) == 40
    key = f"out/{uuid.uuid4().hex}.parquet"
    with pytest.raises(qds.AccessDenied) as info:
        ses.to_parquet(pd.DataFrame({"a": [1]}), key)
    err = info.value
    assert isinstance(err, PermissionError)
    assert err.role_arn == ALICE_ROLE and err.action == "s3:PutObject"
    assert "alice-analyst" in str(err) and "override for alice@acme.com" in str(err)


def test_account_role_writes_defloc_but_not_outside(sb):
    ses = sb.session("alice@acme.com")
    ses.use("account")
    key = f"out/{uuid.uuid4().hex}.parquet"
    frame = pd.DataFrame({"a": [1, 2, 3]})
    assert ses.to_parquet(frame, key) == f"s3://acme-defloc/qds/{key}"
    assert ses.read_parquet(key).a.tolist() == [1, 2, 3]
    with pytest.raises(qds.AccessDenied, match="qds-account"):
        ses.read_csv("s3://acme-raw/sales/raw-2024.csv")
    with pytest.raises(qds.AccessDenied):
        ses.read_csv("s3://acme-defloc/other-team/payroll.csv")
    with pytest.raises(qds.AccessDenied):
        ses.to_csv(frame, "s3://acme-defloc/other-team/x.csv")


def test_missing_object_is_object_not_found(sb):
    ses = sb.session("alice@acme.com")
    with pytest.raises(qds.ObjectNotFound):
        ses.read_csv("sales/nope.csv")


def test_switching_never_returns_the_old_roles_filesystem(sb):
    ses = sb.session("alice@acme.com")
    fs_override = ses.filesystem()
    assert ses.filesystem() is fs_override
    ses.use("account")
    fs_account = ses.filesystem()
    assert fs_account is not fs_override
    key = f"qds/out/{uuid.uuid4().hex}.txt"
    fs_account.pipe_file(f"acme-defloc/{key}", b"x")
    with pytest.raises(PermissionError):
        fs_override.pipe_file(f"acme-defloc/{key}", b"y")
    ses.use("override")
    assert ses.filesystem() is fs_override


def test_storage_options_and_boto3_session_work_and_hold_no_key(sb):
    ses = sb.session("alice@acme.com")
    opts = ses.storage_options()
    df = pd.read_csv("s3://acme-defloc/qds/sales/2024.csv", storage_options=opts)
    assert len(df) == 120
    text = repr(opts) + repr(ses.filesystem().storage_options)
    snap = ses.credentials()
    assert snap.secret_key not in text and snap.token not in text
    s3 = ses.boto3_session().client("s3")
    keys = s3.list_objects_v2(Bucket="acme-defloc", Prefix="qds/sales/")["KeyCount"]
    assert keys >= 3
    import boto3

    assert isinstance(ses.boto3_session(), boto3.Session)


def test_iter_objects_streams_every_object_recursively(sb):
    ses = sb.session("alice@acme.com")
    entries = list(ses.iter_objects("sales/", page_size=2))
    names = [e.name for e in entries]
    assert "2024.csv" in names and "parts/part-3.csv" in names and "dataset/part-0.parquet" in names
    assert len(names) == len(set(names)) == 10
    assert all(e.size and e.size > 0 for e in entries)
    with pytest.raises(qds.AccessDenied):
        list(sb.session("bob@acme.com").iter_objects("s3://acme-raw/"))
