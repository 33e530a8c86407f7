"""AssumeRole and GetCallerIdentity, with STS errors turned into the package's errors."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from qds_notebook.aws.snapshot import Clock, CredentialSnapshot, utcnow
from qds_notebook.errors import (
    AssumeRoleDenied,
    BaseCredentialsError,
    CredentialError,
    CredentialRefreshError,
)
from qds_notebook.roles import EffectiveRole

__all__ = ["CallerIdentity", "assume_role", "caller_identity", "translate_error"]

_BAD_BASE = {
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
    "UnrecognizedClientException",
    "InvalidAccessKeyId",
    "AuthFailure",
}
_EXPIRED = {"ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"}


@dataclass(frozen=True, slots=True)
class CallerIdentity:
    """Who STS says the caller is."""

    arn: str
    account: str
    user_id: str

    def __str__(self) -> str:
        return self.arn


def caller_identity(sts: Any) -> CallerIdentity:
    """``sts:GetCallerIdentity`` with ``sts``, a boto3 STS client."""
    out = sts.get_caller_identity()
    return CallerIdentity(arn=out["Arn"], account=out["Account"], user_id=out["UserId"])


def _base_caller(sts: Any) -> str | None:
    with contextlib.suppress(Exception):
        return caller_identity(sts).arn
    return None


def translate_error(
    exc: Exception, *, role: EffectiveRole, sts: Any, endpoint: str | None
) -> CredentialError:
    """Turn a botocore error from STS into a specific :class:`CredentialError`."""
    from botocore import exceptions as bx

    where = endpoint or "the AWS STS endpoint"
    if isinstance(exc, bx.NoCredentialsError | bx.PartialCredentialsError):
        return BaseCredentialsError(
            "no base AWS credentials found to assume the role with",
            hint="set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, "
            "or start the sandbox (qds-notebook sandbox) and use its environment",
        )
    if isinstance(exc, bx.ClientError):
        err = exc.response.get("Error", {})
        code = str(err.get("Code", "Unknown"))
        if code in _BAD_BASE:
            return BaseCredentialsError(
                f"STS rejected the base AWS credentials ({code})",
                hint="the access key is unknown or the secret is wrong; refresh your base "
                "credentials (AWS_PROFILE / AWS_ACCESS_KEY_ID)",
            )
        if code in _EXPIRED:
            return BaseCredentialsError(
                f"the base AWS credentials have expired ({code})",
                hint="renew the base credentials (e.g. aws sso login) and try again",
            )
        if code == "AccessDenied":
            caller = _base_caller(sts)
            return AssumeRoleDenied(
                f"STS refused AssumeRole on {role.arn} for caller {caller or '(unknown)'}",
                role_arn=role.arn,
                caller_arn=caller,
                code=code,
                hint=f"check that the role's trust policy names {caller or 'the caller'} as "
                f"principal, that the {role.kind} External ID in the config matches its "
                "sts:ExternalId condition, and that the caller may call sts:AssumeRole",
            )
        if code in {"Throttling", "ThrottlingException", "RequestLimitExceeded"}:
            return CredentialRefreshError(
                f"STS kept throttling AssumeRole on {role.arn} at {where}",
                role_arn=role.arn,
                endpoint=endpoint,
                hint="wait a moment and retry; raise retries with AWS_MAX_ATTEMPTS",
            )
        return CredentialError(
            f"STS refused AssumeRole on {role.arn} ({code})",
            hint="see the role's trust policy and MaxSessionDuration",
        )
    if isinstance(exc, bx.EndpointConnectionError | bx.ConnectTimeoutError | bx.ReadTimeoutError):
        return CredentialRefreshError(
            f"cannot reach STS at {where} to get credentials for {role.arn}",
            role_arn=role.arn,
            endpoint=endpoint,
            hint="check the network or endpoint_url; credentials refresh as soon as STS answers",
        )
    if isinstance(exc, bx.BotoCoreError):
        return CredentialRefreshError(
            f"getting credentials for {role.arn} from {where} failed: {type(exc).__name__}",
            role_arn=role.arn,
            endpoint=endpoint,
            hint="check the network or endpoint_url",
        )
    return CredentialError(f"getting credentials for {role.arn} failed: {type(exc).__name__}")


def _lifetime(out: dict[str, Any], expiration: datetime, requested_at: datetime) -> timedelta:
    # Measure the lifetime against the server's own clock (its Date header), so a skewed
    # local clock neither refreshes too late nor on every call.
    date = out.get("ResponseMetadata", {}).get("HTTPHeaders", {}).get("date")
    server_now = None
    if date:
        with contextlib.suppress(TypeError, ValueError):
            # The header has whole seconds; the server's clock may be up to 1 s later.
            server_now = parsedate_to_datetime(date) + timedelta(seconds=1)
    return expiration - (server_now or requested_at)


def assume_role(
    sts: Any,
    role: EffectiveRole,
    *,
    policy: str | None,
    endpoint: str | None,
    clock: Clock = utcnow,
) -> CredentialSnapshot:
    """Call ``sts:AssumeRole`` for ``role``; return the credentials as a snapshot.

    The snapshot's expiry is on ``clock``'s timeline: the local time the request was
    sent plus the lifetime STS granted (measured against the server's Date header).

    Raises
    ------
    CredentialError
        A specific subclass for each failure, with a hint; never the raw botocore error.
    """
    params: dict[str, Any] = {
        "RoleArn": role.arn,
        "RoleSessionName": role.session_name,
        "DurationSeconds": role.duration_seconds,
    }
    if role.external_id:
        params["ExternalId"] = role.external_id
    if policy:
        params["Policy"] = policy
    requested_at = clock()
    try:
        out = sts.assume_role(**params)
    except Exception as exc:
        raise translate_error(exc, role=role, sts=sts, endpoint=endpoint) from None
    creds = out["Credentials"]
    return CredentialSnapshot(
        access_key_id=creds["AccessKeyId"],
        secret_key=creds["SecretAccessKey"],
        token=creds["SessionToken"],
        expiry=requested_at + _lifetime(out, creds["Expiration"], requested_at),
        role_arn=role.arn,
    )
