"""Permission checks on the sandbox: probes, evaluator, agreement, compare, CLI."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
import uuid

import pandas as pd
import pytest

import qds_notebook as qds
from qds_notebook.aws.probes import PROBE_PREFIX


def rows(report):
    return {r.check: r for r in report.rows}


def test_alice_override_check_shows_the_seeded_differences_and_agrees(sb):
    report = sb.session("alice@acme.com").check()
    r = rows(report)
    assert report.caller_arn.endswith("assumed-role/alice-analyst/qds-alice-acme.com")
    assert r["list default location"].probe == "allowed"
    assert r["read default location"].probe == "allowed"
    assert r["read default location"].target.startswith("s3://acme-defloc/qds/")
    assert r["read outside default location"].probe == "denied"
    assert r["read outside default location"].target == "s3://acme-defloc/other-team/payroll.csv"
    assert r["read s3://acme-raw/sales/"].probe == "allowed"  # data_locations from config
    judged = [x for x in report.rows if x.agreement != "n/a"]
    assert len(judged) >= 6 and all(x.agreement == "agree" for x in judged)
    assert r["read default location"].decided_by.startswith("allowed by identity:alice-read")
    assert report.partial and any("bucket policy" in x for x in report.not_visible)
    assert "partial" in report.verdict


def test_account_role_write_probe_puts_and_deletes_only_its_own_key(sb):
    ses = sb.session("bob@acme.com")
    s3 = ses.client("s3")

    def keys():
        out = s3.list_objects_v2(Bucket="acme-defloc")
        return {o["Key"] for o in out.get("Contents", [])}

    before = keys()
    report = ses.check(write=True)
    r = rows(report)
    assert r["write default location"].probe == "allowed"
    assert r["delete default location"].probe == "allowed"
    assert PROBE_PREFIX in r["write default location"].target
    assert r["write default location"].target == r["delete default location"].target
    assert keys() == before
    assert r["read s3://acme-raw/sales/"].probe == "skipped"  # listing denied: cannot tell
    assert "cannot tell" in r["read s3://acme-raw/sales/"].note or "could not tell" in (
        r["read s3://acme-raw/sales/"].note
    )


def test_denied_write_probe_is_a_result_and_delete_is_skipped(sb):
    report = sb.session("alice@acme.com").check(write=True)
    r = rows(report)
    assert r["write default location"].probe == "denied"
    assert r["write default location"].decision == "implicitDeny"
    assert r["delete default location"].probe == "skipped"


def test_compare_puts_differences_first(sb):
    cmp = sb.session("alice@acme.com").compare("override", "account", write=True)
    table = cmp.rows()
    differing = [x["check"] for x in table if x["differs"]]
    assert set(differing) >= {"list s3://acme-raw/sales/", "write default location"}
    assert table[: len(differing)] == [x for x in table if x["differs"]]
    assert "difference(s)" in str(cmp) and "<table>" in cmp._repr_html_()
    assert len(cmp.to_frame()) == len(table)


def test_session_policy_disagreement_is_explained(sb):
    ses = sb.session("bob@acme.com")
    ses.use("account", scope="default_location")
    r = rows(ses.check())
    row = r["list bucket root (outside)"]
    assert (row.probe, row.decision, row.agreement) == ("allowed", "implicitDeny", "disagree")
    assert "session policy" in row.note


def test_role_that_cannot_read_its_policies_is_partial(sb):
    report = sb.session("carol@acme.com").check()
    assert any("iam:ListRolePolicies" in x for x in report.not_visible)
    disagreeing = [x for x in report.rows if x.agreement == "disagree"]
    assert disagreeing and all("cannot read" in x.note for x in disagreeing)


def test_explain_names_policy_statement_and_sid(sb):
    ses = sb.session("bob@acme.com")
    report = ses.check()
    text = report.explain("s3:PutObject", "out/x.parquet")
    assert text.startswith("allowed by identity:qds-defloc-access statement 0")
    assert "DefaultLocationObjects" in text
    denied = report.explain("s3:GetObject", "s3://acme-raw/sales/raw-2024.csv")
    assert denied.startswith("implicitly denied") and "identity" in denied


def test_access_denied_carries_the_deciding_evaluation(sb):
    ses = sb.session("alice@acme.com")
    with pytest.raises(qds.AccessDenied) as info:
        ses.to_parquet(pd.DataFrame({"a": [1]}), f"out/{uuid.uuid4().hex}.parquet")
    assert "implicitly denied: no statement in identity allows s3:PutObject" in str(info.value)
    assert info.value.decided_by


def test_report_renders_and_exports(sb):
    report = sb.session("alice@acme.com").check()
    html = report._repr_html_()
    assert "#c8f7c5" in html and "#f7c5c5" in html and "Legend" in html
    text = str(report)
    assert "agreement" in text and report.verdict in text
    frame = report.to_frame()
    assert {"action", "resource", "probe", "decision", "agreement"} <= set(frame.columns)
    assert json.loads(json.dumps(report.to_dict()))["role"]["kind"] == "override"


def test_probe_errors_are_results_not_exceptions(sb):
    report = sb.session("alice@acme.com").check(paths=["s3://no-such-bucket-qds/x/"])
    r = rows(report)["list s3://no-such-bucket-qds/x/"]
    assert r.probe in {"error", "denied"}
    assert r.code


def test_cli_check_json_and_policy_evaluate(sb):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "QDS_"))},
        **sb.base_env,
    }
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "qds_notebook",
            "check",
            "--user",
            "alice@acme.com",
            "--role",
            "account",
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    ).stdout
    data = json.loads(out)
    assert data["role"]["kind"] == "account"
    assert all(s not in out for s in sb.issued_secrets())
    request = {
        "principal": "arn:aws:sts::123456789012:assumed-role/x/y",
        "action": "s3:GetObject",
        "resource": "arn:aws:s3:::b/k",
        "identity_policies": [
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}],
            }
        ],
    }
    proc = subprocess.run(
        [sys.executable, "-m", "qds_notebook", "policy", "evaluate", "-"],
        input=json.dumps([request, {"bad": 1}]),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result[0]["decision"] == "allowed" and "error" in result[1]


def test_cli_user_error_is_one_line(sb):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "QDS_"))},
        **sb.base_env,
    }
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "qds_notebook",
            "check",
            "--user",
            "bob@acme.com",
            "--role",
            "override",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "has no role override" in proc.stderr


def _config_with_policies(sb, tmp_path, policies_toml: str, docs: dict) -> str:
    pdir = tmp_path / "policies"
    pdir.mkdir()
    for name, doc in docs.items():
        (pdir / f"{name}.json").write_text(json.dumps(doc))
    cfg = tmp_path / "config.toml"
    cfg.write_text(pathlib.Path(sb.config_path).read_text() + "\n" + policies_toml)
    return str(cfg)


def test_admin_supplied_policies_fill_in_what_the_role_cannot_read(sb, tmp_path):
    from qds_notebook.sandbox.seed import SEED

    carol_policy = SEED.overrides["carol@acme.com"][0].policies["carol-defloc"]
    cfg = _config_with_policies(
        sb,
        tmp_path,
        '[policies.roles."carol-engineer"]\nidentity = ["policies/carol-defloc.json"]\n',
        {"carol-defloc": carol_policy},
    )
    ses = qds.Session.connect(user="carol@acme.com", config=cfg, base=sb.base_session(), env={})
    report = ses.check(write=True)
    assert not any("inline policies" in x for x in report.not_visible)
    assert report.supplied and "account config" in report.supplied[0]
    judged = [r for r in report.rows if r.agreement != "n/a"]
    assert judged and all(r.agreement == "agree" for r in judged)
    assert report.explain("s3:PutObject", "out/x").startswith("allowed by identity:carol-defloc")


def test_scp_from_the_config_is_evaluated_and_its_disagreement_explained(sb, tmp_path):
    scp_root = {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "All", "Effect": "Allow", "Action": "*", "Resource": "*"}],
    }
    scp_ou = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "AllowAll", "Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Sid": "NoDeletes", "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"},
        ],
    }
    cfg = _config_with_policies(
        sb,
        tmp_path,
        '[policies]\nscps = [["policies/root.json"], ["policies/analytics-ou.json"]]\n',
        {"root": scp_root, "analytics-ou": scp_ou},
    )
    ses = qds.Session.connect(user="bob@acme.com", config=cfg, base=sb.base_session(), env={})
    row = rows(ses.check(write=True))["delete default location"]
    assert (row.probe, row.decision, row.agreement) == ("allowed", "explicitDeny", "disagree")
    assert "SCP" in row.note
    assert "NoDeletes" in row.decided_by


def test_unreadable_admin_policy_file_is_a_config_error(sb, tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        pathlib.Path(sb.config_path).read_text()
        + '\n[policies.buckets]\n"acme-defloc" = "missing.json"\n'
    )
    ses = qds.Session.connect(user="bob@acme.com", config=str(cfg), base=sb.base_session(), env={})
    with pytest.raises(qds.ConfigError, match="cannot read policy file"):
        ses.check()
