"""Effective-role resolution, choices, locking and the default-location session policy."""

from __future__ import annotations

import json

import pytest

from qds_notebook.config import resolve_config
from qds_notebook.errors import ConfigError, RoleNotAllowed
from qds_notebook.roles import choices, resolve, scope_policy

from .test_config import FILE


def cfg(user):
    return resolve_config(FILE, env={}, arguments={"user": user}, default_user="x")


def test_override_is_the_default_and_says_why():
    role = resolve(cfg("alice@acme.com"))
    assert (role.kind, role.name, role.reason) == (
        "override",
        "alice-analyst",
        "override for alice@acme.com",
    )
    assert role.external_id == "qds-alice-19c2"
    assert role.session_name == "qds-alice-acme.com"
    assert role.session_arn == (
        "arn:aws:sts::123456789012:assumed-role/alice-analyst/qds-alice-acme.com"
    )


def test_user_without_override_gets_account_role():
    role = resolve(cfg("bob@acme.com"))
    assert role.kind == "account" and role.external_id == "qds-acme-7f3a"
    assert role.reason == "account role; bob@acme.com has no override"


def test_choices_default_first_and_locked_removes_account():
    assert [c.kind for c in choices(cfg("alice@acme.com"))] == ["override", "account"]
    assert [c.kind for c in choices(cfg("bob@acme.com"))] == ["account"]
    assert [c.kind for c in choices(cfg("carol@acme.com"))] == ["override"]
    assert choices(cfg("alice@acme.com"))[0].label == "override: alice-analyst"


def test_use_by_kind_or_own_arn():
    c = cfg("alice@acme.com")
    assert resolve(c, "account").kind == "account"
    assert resolve(c, "account").reason == "account role chosen by alice@acme.com"
    assert resolve(c, "arn:aws:iam::123456789012:role/qds-account").kind == "account"
    assert resolve(c, "override").reason == "override for alice@acme.com"


@pytest.mark.parametrize(
    "user,wanted,match",
    [
        ("bob@acme.com", "arn:aws:iam::123456789012:role/alice-analyst", "not one of"),
        ("alice@acme.com", "arn:aws:iam::123456789012:role/carol", "not one of"),
        ("alice@acme.com", "arn:aws:iam::123456789012:role/qds-instances", "not one of"),
        ("alice@acme.com", "admin", "not one of"),
        ("bob@acme.com", "override", "has no role override"),
        ("carol@acme.com", "account", "locked"),
    ],
)
def test_use_refuses_what_is_not_the_users(user, wanted, match):
    with pytest.raises(RoleNotAllowed, match=match) as info:
        resolve(cfg(user), wanted)
    assert info.value.user == user and info.value.requested == wanted
    assert "choose one of" in str(info.value)


def test_scope_and_duration_are_validated():
    c = cfg("alice@acme.com")
    assert resolve(c, scope="default_location").scope == "default_location"
    with pytest.raises(ConfigError, match="unknown scope"):
        resolve(c, scope="everything")
    assert resolve(c, duration_seconds=900).duration_seconds == 900
    for bad in (899, 43201, True):
        with pytest.raises(ConfigError):
            resolve(c, duration_seconds=bad)


def test_role_duration_falls_back_to_account_duration():
    assert resolve(cfg("alice@acme.com")).duration_seconds == 1800


def test_scope_policy_limits_s3_to_the_default_location_and_fits_sts():
    c = cfg("alice@acme.com")
    text = scope_policy(c.default_location)
    assert len(text) <= 2048
    doc = json.loads(text)
    resources = {json.dumps(s.get("Resource")) for s in doc["Statement"]}
    assert '"arn:aws:s3:::acme-defloc/qds/*"' in resources
    listing = next(s for s in doc["Statement"] if s["Sid"] == "DefaultLocationList")
    assert listing["Condition"] == {"StringLike": {"s3:prefix": ["qds/*"]}}


def test_effective_roles_of_different_scope_do_not_share_credentials():
    c = cfg("alice@acme.com")
    assert resolve(c).key != resolve(c, scope="default_location").key
    assert resolve(c).key == resolve(c, "override").key
