"""``setup-policies``: the IAM documents an admin creates for a QDS account (pure).

Built from :mod:`qds_notebook.templates`, the same generator that seeds the sandbox.
"""

from __future__ import annotations

import json
import re
from typing import Any

from qds_notebook.arns import validate_external_id
from qds_notebook.errors import ConfigError
from qds_notebook.locations import parse_default_location
from qds_notebook.templates import (
    defloc_policy,
    instance_trust_policy,
    read_only_policy,
    role_trust_policy,
)

__all__ = ["cloudformation", "setup_policies"]


def setup_policies(
    *,
    account_id: str,
    external_id: str,
    default_location: str,
    data_buckets: list[str] | None = None,
    dual_role_name: str = "qds-instances",
    customer_account_id: str = "${AWS::AccountId}",
) -> dict[str, Any]:
    """Trust policy, default-location permission policy, and the dual-role documents.

    Parameters
    ----------
    account_id
        The platform's AWS account id (the trusted principal).
    external_id
        The External ID the platform gave the account.
    default_location
        ``s3://bucket/prefix/``.
    data_buckets
        Buckets the dual (instance) role may read.
    """
    if not re.fullmatch(r"\d{12}", account_id):
        raise ConfigError(
            f"--account-id {account_id!r} is not a 12-digit AWS account id",
            key="account_id",
            hint="copy it from the platform's settings page",
        )
    validate_external_id(external_id, key="--external-id")
    loc = parse_default_location(default_location, key="--default-location")
    pass_role = {
        "Sid": "PassDualRole",
        "Effect": "Allow",
        "Action": ["iam:GetInstanceProfile", "iam:PassRole"],
        "Resource": [
            f"arn:aws:iam::{customer_account_id}:role/{dual_role_name}",
            f"arn:aws:iam::{customer_account_id}:instance-profile/{dual_role_name}",
        ],
    }
    permission = defloc_policy(loc)
    return {
        "trust_policy": role_trust_policy(f"arn:aws:iam::{account_id}:root", external_id),
        "permission_policy": permission,
        "cross_account_policy": {"Version": "2012-10-17", "Statement": [pass_role]},
        "dual_role_trust_policy": instance_trust_policy(),
        "dual_role_policy": read_only_policy([(b, "") for b in data_buckets or []])
        if data_buckets
        else defloc_policy(loc),
    }


def cloudformation(
    docs: dict[str, Any], *, role_name: str = "qds-account", dual_role_name: str = "qds-instances"
) -> str:
    """A CloudFormation template (JSON) creating both roles with these documents."""
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "QDS account role and dual (instance) role",
        "Resources": {
            "AccountRole": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "RoleName": role_name,
                    "AssumeRolePolicyDocument": docs["trust_policy"],
                    "Policies": [
                        {
                            "PolicyName": "qds-defloc-access",
                            "PolicyDocument": docs["permission_policy"],
                        },
                        {
                            "PolicyName": "qds-pass-dual-role",
                            "PolicyDocument": docs["cross_account_policy"],
                        },
                    ],
                },
            },
            "DualRole": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "RoleName": dual_role_name,
                    "AssumeRolePolicyDocument": docs["dual_role_trust_policy"],
                    "Policies": [
                        {
                            "PolicyName": "qds-data-access",
                            "PolicyDocument": docs["dual_role_policy"],
                        }
                    ],
                },
            },
            "DualRoleProfile": {
                "Type": "AWS::IAM::InstanceProfile",
                "Properties": {
                    "InstanceProfileName": dual_role_name,
                    "Roles": [{"Ref": "DualRole"}],
                },
            },
        },
        "Outputs": {"RoleArn": {"Value": {"Fn::GetAtt": ["AccountRole", "Arn"]}}},
    }
    return json.dumps(template, indent=2)
