"""The real AWS CLI (PyPI awscli, its own venv) through a credential_process profile, and
account roles taken from an AWS CLI profile."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
import venv

import pytest

import qds_notebook as qds

CACHE = pathlib.Path(
    os.environ.get("QDS_TEST_CACHE", pathlib.Path.home() / ".cache" / "qds-notebook-tests")
)


@pytest.fixture(scope="session")
def aws_cli() -> str:
    """``aws`` from PyPI's awscli in a venv of its own (its botocore pin is its business)."""
    target = CACHE / "awscli-venv"
    aws = target / "bin" / "aws"
    if not aws.exists():
        venv.create(target, with_pip=True)
        subprocess.run(
            [str(target / "bin" / "pip"), "install", "-q", "awscli"], check=True, timeout=600
        )
    return str(aws)


def _aws_env(sb, tmp_path, config_text: str) -> dict[str, str]:
    cfg = tmp_path / "aws-config"
    cfg.write_text(config_text)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "QDS_"))}
    env.update(sb.base_env)
    env["AWS_CONFIG_FILE"] = str(cfg)
    env["AWS_SHARED_CREDENTIALS_FILE"] = str(tmp_path / "no-credentials")
    return env


def test_aws_s3_ls_through_a_credential_process_profile(sb, tmp_path, aws_cli):
    snippet = subprocess.run(
        [
            sys.executable,
            "-m",
            "qds_notebook",
            "aws-profile",
            "qds-alice",
            "--user",
            "alice@acme.com",
            "--config",
            sb.config_path,
            "--command",
            f"{sys.executable} -m qds_notebook",
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **sb.base_env},
    ).stdout
    env = _aws_env(sb, tmp_path, snippet + "\n")
    ls = subprocess.run(
        [aws_cli, "s3", "ls", "s3://acme-defloc/qds/sales/", "--profile", "qds-alice"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert ls.returncode == 0, ls.stderr
    assert "2024.csv" in ls.stdout and "PRE parts/" in ls.stdout
    who = subprocess.run(
        [
            aws_cli,
            "sts",
            "get-caller-identity",
            "--profile",
            "qds-alice",
            "--query",
            "Arn",
            "--output",
            "text",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert who.stdout.strip().endswith("assumed-role/alice-analyst/qds-alice-acme.com")
    assert all(s not in ls.stdout + ls.stderr for s in sb.issued_secrets())


def test_account_role_from_an_aws_profile(sb, tmp_path, monkeypatch):
    keys = sb.base_env
    creds = tmp_path / "credentials"
    creds.write_text(
        f"[base]\naws_access_key_id = {keys['AWS_ACCESS_KEY_ID']}\n"
        f"aws_secret_access_key = {keys['AWS_SECRET_ACCESS_KEY']}\n"
    )
    os.chmod(creds, 0o600)
    cfg = tmp_path / "config"
    cfg.write_text(
        "[profile qds]\nrole_arn = arn:aws:iam::123456789012:role/qds-account\n"
        "external_id = qds-acme-7f3a\nsource_profile = base\nregion = us-east-1\n"
        "[profile wrong]\nrole_arn = arn:aws:iam::123456789012:role/qds-account\n"
        "external_id = not-it\nsource_profile = base\n"
    )
    for key in list(os.environ):
        if key.startswith("AWS_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(cfg))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(creds))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    # a config without an account role: the profile supplies it
    plain = tmp_path / "qds.toml"
    plain.write_text(
        f'[account]\ndefault_location = "s3://acme-defloc/qds/"\n'
        f'endpoint_url = "{sb.endpoint_url}"\n'
    )
    ses = qds.connect(user="bob@acme.com", config=str(plain), profile="qds")
    assert ses.effective_role.arn == "arn:aws:iam::123456789012:role/qds-account"
    assert ses.identity().arn.endswith("assumed-role/qds-account/qds-bob-acme.com")
    monkeypatch.setenv("AWS_PROFILE", "wrong")
    with pytest.raises(qds.AssumeRoleDenied):
        qds.connect(user="bob@acme.com", config=str(plain)).identity()
    with pytest.raises(qds.ConfigError, match="not in the AWS config files"):
        qds.connect(user="bob@acme.com", config=str(plain), profile="nope")


def test_aws_endpoint_url_env_is_honoured_when_config_names_none(sb, tmp_path, monkeypatch):
    plain = tmp_path / "qds.toml"
    text = (
        pathlib.Path(sb.config_path).read_text().replace(f'endpoint_url = "{sb.endpoint_url}"', "")
    )
    plain.write_text(text)
    monkeypatch.setenv("AWS_ENDPOINT_URL", sb.endpoint_url)
    ses = qds.Session.connect(
        user="alice@acme.com", config=str(plain), base=sb.base_session(), env={}
    )
    assert ses.config.endpoint_url is None
    assert ses.identity().arn.endswith("qds-alice-acme.com")
    assert len(ses.read_csv("sales/2024.csv")) == 120
