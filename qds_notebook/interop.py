"""Hand credentials to other AWS tools: ``credential_process`` JSON, shell exports, profiles.

These are the only outputs in the package that contain secrets, because handing them to
another program is their whole job. Nothing here logs.
"""

from __future__ import annotations

import json
import shlex
from datetime import UTC

from qds_notebook.aws.snapshot import CredentialSnapshot

__all__ = ["credential_process_json", "env_vars", "export_lines", "profile_snippet"]


def credential_process_json(snapshot: CredentialSnapshot) -> str:
    """The AWS ``credential_process`` document (Version 1, Expiration in RFC 3339)."""
    expiry = snapshot.expiry.astimezone(UTC).replace(microsecond=0)
    return json.dumps(
        {
            "Version": 1,
            "AccessKeyId": snapshot.access_key_id,
            "SecretAccessKey": snapshot.secret_key,
            "SessionToken": snapshot.token,
            "Expiration": expiry.isoformat().replace("+00:00", "Z"),
        }
    )


def env_vars(
    snapshot: CredentialSnapshot, *, region: str, endpoint_url: str | None
) -> dict[str, str]:
    """The ``AWS_*`` variables a subprocess needs to act as the role."""
    out = {
        "AWS_ACCESS_KEY_ID": snapshot.access_key_id,
        "AWS_SECRET_ACCESS_KEY": snapshot.secret_key,
        "AWS_SESSION_TOKEN": snapshot.token,
        "AWS_DEFAULT_REGION": region,
    }
    if endpoint_url:
        out["AWS_ENDPOINT_URL"] = endpoint_url
    return out


def export_lines(snapshot: CredentialSnapshot, *, region: str, endpoint_url: str | None) -> str:
    """``export AWS_...=...`` lines for a POSIX shell."""
    return "\n".join(
        f"export {k}={shlex.quote(v)}"
        for k, v in env_vars(snapshot, region=region, endpoint_url=endpoint_url).items()
    )


def profile_snippet(
    name: str,
    *,
    user: str,
    role: str | None,
    region: str,
    endpoint_url: str | None,
    config: str | None = None,
    command: str = "qds-notebook",
) -> str:
    """An ``~/.aws/config`` profile whose credentials come from ``credential-process``."""
    args = [*shlex.split(command), "credential-process", "--user", user]
    if role:
        args += ["--role", role]
    if config:
        args += ["--config", config]
    lines = [
        f"[profile {name}]",
        f"credential_process = {shlex.join(args)}",
        f"region = {region}",
    ]
    if endpoint_url:
        lines.append(f"endpoint_url = {endpoint_url}")
    return "\n".join(lines)
