"""Read an AWS CLI profile (``~/.aws/config``) for an account role, as botocore resolves it.

A profile with ``role_arn`` (+ ``external_id``, ``source_profile``) can supply the account
role; the SDK then assumes that role itself, with the source profile's credentials as the
base, so refresh and the one-AssumeRole-per-window rule stay the SDK's.
"""

from __future__ import annotations

from dataclasses import dataclass

from qds_notebook.errors import ConfigError

__all__ = ["ProfileRole", "profile_role"]


@dataclass(frozen=True, slots=True)
class ProfileRole:
    """What a profile says about the role and the base credentials."""

    profile: str
    role_arn: str | None
    external_id: str | None
    base_profile: str | None
    region: str | None


def profile_role(profile: str) -> ProfileRole:
    """Look ``profile`` up in the AWS config files (``AWS_CONFIG_FILE`` honoured).

    Raises
    ------
    ConfigError
        If the profile does not exist.
    """
    import botocore.session

    profiles = botocore.session.Session().full_config.get("profiles", {})
    if profile not in profiles:
        raise ConfigError(
            f"AWS profile {profile!r} is not in the AWS config files",
            key="profile",
            hint=f"known profiles: {', '.join(sorted(profiles)) or 'none'}; see aws configure",
        )
    data = profiles[profile]
    role_arn = data.get("role_arn")
    base = data.get("source_profile") if role_arn else profile
    if role_arn and not base:
        raise ConfigError(
            f"AWS profile {profile!r} has role_arn but no source_profile",
            key="profile",
            hint="add source_profile = <profile with the base credentials>",
        )
    return ProfileRole(
        profile=profile,
        role_arn=role_arn,
        external_id=data.get("external_id"),
        base_profile=base,
        region=data.get("region"),
    )
