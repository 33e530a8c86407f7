"""credential-process, env, aws-profile and setup-policies, against the sandbox."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime

import boto3
import pytest

from qds_notebook.admin import cloudformation, setup_policies
from qds_notebook.errors import ConfigError
from qds_notebook.policy import Request, evaluate, parse_policy


def run(sb, *args, check=True):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "QDS_"))},
        **sb.base_env,
    }
    return subprocess.run(
        [sys.executable, "-m", "qds_notebook", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=check,
    )


def test_credential_process_prints_only_the_json_and_it_works(sb):
    proc = run(sb, "credential-process", "--user", "alice@acme.com")
    doc = json.loads(proc.stdout)
    assert set(doc) == {"Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}
    assert doc["Version"] == 1 and doc["Expiration"].endswith("Z")
    assert datetime.fromisoformat(doc["Expiration"]) > datetime.now(UTC)
    assert doc["SecretAccessKey"] not in proc.stderr
    sts = boto3.client(
        "sts",
        endpoint_url=sb.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id=doc["AccessKeyId"],
        aws_secret_access_key=doc["SecretAccessKey"],
        aws_session_token=doc["SessionToken"],
    )
    assert sts.get_caller_identity()["Arn"].endswith(
        "assumed-role/alice-analyst/qds-alice-acme.com"
    )


def test_credential_process_error_goes_to_stderr_with_nonzero_exit(sb):
    proc = run(
        sb, "credential-process", "--user", "bob@acme.com", "--role", "override", check=False
    )
    assert proc.returncode != 0 and proc.stdout == ""
    assert "has no role override" in proc.stderr


def test_env_prints_exports_that_act_as_the_role(sb):
    out = run(sb, "env", "--user", "alice@acme.com", "--role", "account").stdout
    env = dict(line.removeprefix("export ").split("=", 1) for line in out.splitlines())
    assert {
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_DEFAULT_REGION",
        "AWS_ENDPOINT_URL",
    } <= set(env)
    assert env["AWS_ENDPOINT_URL"] == sb.endpoint_url


def test_aws_profile_snippet_holds_no_secret(sb):
    out = run(sb, "aws-profile", "qds-alice", "--user", "alice@acme.com").stdout
    assert out.startswith(
        "[profile qds-alice]\ncredential_process = qds-notebook "
        "credential-process --user alice@acme.com"
    )
    assert f"endpoint_url = {sb.endpoint_url}" in out
    assert all(s not in out for s in sb.issued_secrets())


DOCS = setup_policies(
    account_id="111122223333",
    external_id="qds-acme-7f3a",
    default_location="s3://acme-defloc/qds/",
    data_buckets=["acme-raw"],
)
ROLE_SESSION = "arn:aws:sts::123456789012:assumed-role/qds-account/qds-alice"


def decide(action, resource, context=None):
    return evaluate(
        Request(
            principal=ROLE_SESSION,
            action=action,
            resource=resource,
            resource_account="123456789012",
            context=context or {},
            identity_policies=[parse_policy(DOCS["permission_policy"], name="perm")],
        )
    ).decision


@pytest.mark.parametrize(
    "action,resource,expected",
    [
        ("s3:GetObject", "arn:aws:s3:::acme-defloc/qds/a.csv", "allowed"),
        ("s3:PutObject", "arn:aws:s3:::acme-defloc/qds/out/b.parquet", "allowed"),
        ("s3:DeleteObject", "arn:aws:s3:::acme-defloc/qds/tmp/x", "allowed"),
        ("s3:ListBucket", "arn:aws:s3:::acme-defloc", "allowed"),
        ("s3:GetObject", "arn:aws:s3:::acme-defloc/other-team/payroll.csv", "implicitDeny"),
        ("s3:PutObject", "arn:aws:s3:::acme-raw/sales/x.csv", "implicitDeny"),
        ("s3:GetObject", "arn:aws:s3:::acme-raw/sales/x.csv", "implicitDeny"),
        ("s3:DeleteBucket", "arn:aws:s3:::acme-defloc", "implicitDeny"),
        ("iam:CreateUser", "*", "implicitDeny"),
    ],
)
def test_generated_permission_policy_reaches_the_default_location_only(action, resource, expected):
    assert decide(action, resource) == expected


def test_generated_trust_policy_requires_platform_and_external_id():
    role_arn = "arn:aws:iam::123456789012:role/qds-account"
    # A trust policy has no Resource element (it is the role's own); the evaluator wants one.
    doc = {
        **DOCS["trust_policy"],
        "Statement": [{**st, "Resource": role_arn} for st in DOCS["trust_policy"]["Statement"]],
    }
    trust = parse_policy(doc, name="trust")

    def who(principal, ext):
        return evaluate(
            Request(
                principal=principal,
                action="sts:AssumeRole",
                resource=role_arn,
                resource_account="123456789012",
                context={"sts:ExternalId": ext} if ext else {},
                # cross-account: the platform's own identity policy must allow the call too
                identity_policies=[
                    parse_policy(
                        {
                            "Version": "2012-10-17",
                            "Statement": [
                                {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}
                            ],
                        }
                    )
                ],
                resource_policy=trust,
            )
        ).decision

    platform = "arn:aws:iam::111122223333:user/qds-platform"
    assert who(platform, "qds-acme-7f3a") == "allowed"
    assert who(platform, "wrong") != "allowed"
    assert who(platform, None) != "allowed"
    assert who("arn:aws:iam::999999999999:user/x", "qds-acme-7f3a") != "allowed"


def test_cloudformation_template_and_cli(sb):
    template = json.loads(cloudformation(DOCS))
    assert (
        template["Resources"]["AccountRole"]["Properties"]["AssumeRolePolicyDocument"]
        == (DOCS["trust_policy"])
    )
    out = run(
        sb,
        "setup-policies",
        "--account-id",
        "111122223333",
        "--external-id",
        "qds-acme-7f3a",
        "--default-location",
        "s3://acme-defloc/qds/",
        "--format",
        "cloudformation",
    ).stdout
    assert json.loads(out)["AWSTemplateFormatVersion"] == "2010-09-09"
    bad = run(
        sb,
        "setup-policies",
        "--account-id",
        "12",
        "--external-id",
        "x-y",
        "--default-location",
        "s3://acme-defloc/qds/",
        check=False,
    )
    assert bad.returncode == 2 and "12-digit" in bad.stderr


def test_setup_policies_rejects_bad_input():
    with pytest.raises(ConfigError):
        setup_policies(
            account_id="111122223333", external_id="!", default_location="s3://acme-defloc/qds/"
        )


def test_sandbox_cli_runs_in_the_foreground_and_prints_usable_exports(tmp_path):
    import signal

    env0 = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "QDS_"))}
    with subprocess.Popen(
        [sys.executable, "-m", "qds_notebook", "sandbox", "--dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env0,
    ) as proc:
        try:
            exports = {}
            assert proc.stdout is not None
            for line in proc.stdout:
                if line.startswith("export "):
                    key, _, value = line.removeprefix("export ").strip().partition("=")
                    exports[key] = value
                if "Ctrl-C" in line:
                    break
            assert {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "QDS_CONFIG"} <= set(exports)
            out = subprocess.run(
                [sys.executable, "-m", "qds_notebook", "check", "--user", "bob@acme.com", "--json"],
                capture_output=True,
                text=True,
                env={**env0, **exports},
                timeout=120,
            )
            assert out.returncode == 0, out.stderr
            assert json.loads(out.stdout)["role"]["kind"] == "account"
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=30)
    assert proc.returncode == 0
    assert not (tmp_path / "config.toml").exists()  # stopped and cleaned
    assert tmp_path.exists()  # a directory it was given is not removed
