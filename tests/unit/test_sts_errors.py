"""STS error translation: each botocore failure becomes a specific, hinted package error.

The errors are built locally (nothing crosses a wire); the server-side paths (a wrong
External ID, unknown keys, an untrusted caller) are covered against the sandbox.
"""

from __future__ import annotations

import pytest
from botocore import exceptions as bx

from qds_notebook.aws.sts import translate_error
from qds_notebook.config import resolve_config
from qds_notebook.errors import (
    AssumeRoleDenied,
    BaseCredentialsError,
    CredentialError,
    CredentialRefreshError,
)
from qds_notebook.roles import resolve

from .test_config import FILE

ROLE = resolve(resolve_config(FILE, env={}, arguments={"user": "alice@acme.com"}, default_user="x"))


class NoCaller:
    """An STS client whose GetCallerIdentity fails too (the caller stays unknown)."""

    def get_caller_identity(self):
        raise bx.NoCredentialsError()


def client_error(code: str) -> bx.ClientError:
    return bx.ClientError({"Error": {"Code": code, "Message": "m"}}, "AssumeRole")


@pytest.mark.parametrize(
    "exc,cls,words",
    [
        (client_error("ExpiredToken"), BaseCredentialsError, "expired"),
        (client_error("ExpiredTokenException"), BaseCredentialsError, "expired"),
        (client_error("InvalidClientTokenId"), BaseCredentialsError, "rejected"),
        (client_error("SignatureDoesNotMatch"), BaseCredentialsError, "rejected"),
        (bx.NoCredentialsError(), BaseCredentialsError, "no base AWS credentials"),
        (client_error("AccessDenied"), AssumeRoleDenied, "trust policy"),
        (client_error("Throttling"), CredentialRefreshError, "throttling"),
        (
            bx.EndpointConnectionError(endpoint_url="http://127.0.0.1:9"),
            CredentialRefreshError,
            "cannot reach STS",
        ),
        (
            bx.ConnectTimeoutError(endpoint_url="http://127.0.0.1:9"),
            CredentialRefreshError,
            "cannot reach STS",
        ),
        (client_error("RegionDisabledException"), CredentialError, "RegionDisabledException"),
    ],
)
def test_sts_errors_become_specific_package_errors(exc, cls, words):
    err = translate_error(exc, role=ROLE, sts=NoCaller(), endpoint="http://127.0.0.1:9")
    assert type(err) is cls
    text = str(err)
    assert words in text and "\n" not in text
    assert err.hint


def test_access_denied_names_role_and_unknown_caller():
    err = translate_error(client_error("AccessDenied"), role=ROLE, sts=NoCaller(), endpoint=None)
    assert isinstance(err, AssumeRoleDenied)
    assert err.role_arn == ROLE.arn and err.caller_arn is None
    assert ROLE.arn in str(err) and "override External ID" in str(err)
