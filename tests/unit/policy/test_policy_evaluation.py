"""Evaluation logic across policy types, from the IAM "policy evaluation logic" pages:
explicit deny, SCP/RCP levels, identity OR resource within an account, both sides across
accounts, boundary and session intersections and their resource-policy special cases."""

from __future__ import annotations

from typing import Any

import pytest

from qds_notebook.policy import evaluate, request_from_dict

ACCT = "111122223333"
OTHER = "444455556666"
SESSION = f"arn:aws:sts::{ACCT}:assumed-role/analyst/alice"
ROLE = f"arn:aws:iam::{ACCT}:role/analyst"
USER = f"arn:aws:iam::{ACCT}:user/bob"
OBJ = "arn:aws:s3:::data/reports/q1.csv"


def stmt(
    effect: str = "Allow", action: Any = "s3:GetObject", resource: Any = "*", **extra: Any
) -> dict[str, Any]:
    return {"Effect": effect, "Action": action, "Resource": resource, **extra}


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


ALLOW = doc(stmt(Sid="Read"))
ALLOW_OTHER = doc(stmt(action="s3:PutObject"))
DENY = doc(stmt("Deny", Sid="NoRead"))


def grant(principal: Any, effect: str = "Allow") -> dict[str, Any]:
    return doc(stmt(effect, Principal=principal, resource="arn:aws:s3:::data/*", Sid="Bucket"))


def decide(**fields: Any) -> dict[str, Any]:
    request = {"principal": SESSION, "action": "s3:GetObject", "resource": OBJ, **fields}
    return evaluate(request_from_dict(request)).to_dict()


# (id, request fields, decision, blocked_by, policies named in matched)
CASES: list[tuple[str, dict[str, Any], str, list[str], list[str]]] = [
    ("no-policies-implicit-deny", {}, "implicitDeny", ["identity"], []),
    ("identity-allow", {"identity_policies": [ALLOW]}, "allowed", [], ["identity:0"]),
    ("identity-named", {"identity_policies": [["read", ALLOW]]}, "allowed", [], ["identity:read"]),
    (
        "identity-other-action",
        {"identity_policies": [ALLOW_OTHER]},
        "implicitDeny",
        ["identity"],
        [],
    ),
    (
        "identity-two-policies-one-allows",
        {"identity_policies": [ALLOW_OTHER, ALLOW]},
        "allowed",
        [],
        ["identity:1"],
    ),
    (
        "explicit-deny-beats-identity-allow",
        {"identity_policies": [ALLOW, DENY]},
        "explicitDeny",
        [],
        ["identity:1"],
    ),
    (
        "explicit-deny-in-session",
        {"identity_policies": [ALLOW], "session_policy": DENY},
        "explicitDeny",
        [],
        ["session"],
    ),
    (
        "explicit-deny-in-boundary",
        {"identity_policies": [ALLOW], "permissions_boundary": DENY},
        "explicitDeny",
        [],
        ["permissions_boundary:0"],
    ),
    (
        "explicit-deny-in-resource-policy",
        {"identity_policies": [ALLOW], "resource_policy": grant({"AWS": ROLE}, "Deny")},
        "explicitDeny",
        [],
        ["resource"],
    ),
    (
        "explicit-deny-in-scp",
        {"identity_policies": [ALLOW], "scps": [[ALLOW], [DENY]]},
        "explicitDeny",
        [],
        ["scp:1:0"],
    ),
    (
        "explicit-deny-in-rcp",
        {"identity_policies": [ALLOW], "rcps": [[doc(stmt("Deny", Principal="*"))]]},
        "explicitDeny",
        [],
        ["rcp:0:0"],
    ),
    (
        "explicit-deny-beats-direct-resource-grant",
        {"identity_policies": [DENY], "resource_policy": grant({"AWS": SESSION})},
        "explicitDeny",
        [],
        ["identity:0"],
    ),
    (
        "all-denies-reported",
        {"identity_policies": [DENY, DENY], "session_policy": DENY},
        "explicitDeny",
        [],
        ["identity:0", "identity:1", "session"],
    ),
    (
        "resource-deny-other-principal-ignored",
        {"identity_policies": [ALLOW], "resource_policy": grant({"AWS": USER}, "Deny")},
        "allowed",
        [],
        ["identity:0"],
    ),
    # Organizations
    (
        "scp-null-no-effect",
        {"identity_policies": [ALLOW], "scps": None},
        "allowed",
        [],
        ["identity:0"],
    ),
    (
        "scp-every-level-allows",
        {"identity_policies": [ALLOW], "scps": [[ALLOW], [ALLOW]]},
        "allowed",
        [],
        ["identity:0", "scp:0:0", "scp:1:0"],
    ),
    (
        "scp-one-level-missing-allow",
        {"identity_policies": [ALLOW], "scps": [[ALLOW], [ALLOW_OTHER]]},
        "implicitDeny",
        ["scp"],
        [],
    ),
    (
        "scp-level-any-policy-allows",
        {"identity_policies": [ALLOW], "scps": [[ALLOW], [ALLOW_OTHER, ALLOW]]},
        "allowed",
        [],
        ["identity:0", "scp:0:0", "scp:1:1"],
    ),
    ("scp-allow-does-not-grant", {"scps": [[ALLOW]]}, "implicitDeny", ["identity"], []),
    (
        "scp-and-identity-both-fail",
        {"identity_policies": [ALLOW_OTHER], "scps": [[ALLOW_OTHER]]},
        "implicitDeny",
        ["scp", "identity"],
        [],
    ),
    (
        "scp-empty-level-blocks",
        {"identity_policies": [ALLOW], "scps": [[ALLOW], []]},
        "implicitDeny",
        ["scp"],
        [],
    ),
    (
        "rcp-allows",
        {"identity_policies": [ALLOW], "rcps": [[doc(stmt(Principal="*"))]]},
        "allowed",
        [],
        ["identity:0", "rcp:0:0"],
    ),
    (
        "rcp-missing-allow",
        {"identity_policies": [ALLOW], "rcps": [[doc(stmt(action="s3:Put*", Principal="*"))]]},
        "implicitDeny",
        ["rcp"],
        [],
    ),
    (
        "rcp-blocks-resource-grant-too",
        {
            "resource_policy": grant({"AWS": SESSION}),
            "rcps": [[doc(stmt(action="kms:*", Principal="*"))]],
        },
        "implicitDeny",
        ["rcp"],
        [],
    ),
    # Same account: identity OR resource policy
    (
        "same-account-resource-only",
        {"resource_policy": grant({"AWS": ROLE})},
        "allowed",
        [],
        ["resource"],
    ),
    (
        "same-account-resource-account-explicit",
        {"resource_account": ACCT, "resource_policy": grant({"AWS": ROLE})},
        "allowed",
        [],
        ["resource"],
    ),
    (
        "same-account-both-allow",
        {"identity_policies": [ALLOW], "resource_policy": grant({"AWS": ROLE})},
        "allowed",
        [],
        ["identity:0", "resource"],
    ),
    (
        "same-account-neither",
        {"identity_policies": [ALLOW_OTHER], "resource_policy": grant({"AWS": USER})},
        "implicitDeny",
        ["identity", "resource"],
        [],
    ),
    (
        "same-account-root-grant-any-principal",
        {"resource_policy": grant({"AWS": f"arn:aws:iam::{ACCT}:root"})},
        "allowed",
        [],
        ["resource"],
    ),
    (
        "same-account-account-id-grant",
        {"resource_policy": grant({"AWS": ACCT})},
        "allowed",
        [],
        ["resource"],
    ),
    ("same-account-star-grant", {"resource_policy": grant("*")}, "allowed", [], ["resource"]),
    (
        "resource-grant-wrong-account",
        {"resource_policy": grant({"AWS": OTHER})},
        "implicitDeny",
        ["identity", "resource"],
        [],
    ),
    # Cross account: both sides
    (
        "cross-account-identity-only",
        {"resource_account": OTHER, "identity_policies": [ALLOW]},
        "implicitDeny",
        ["resource"],
        [],
    ),
    (
        "cross-account-resource-only",
        {"resource_account": OTHER, "resource_policy": grant({"AWS": ACCT})},
        "implicitDeny",
        ["identity"],
        [],
    ),
    (
        "cross-account-both",
        {
            "resource_account": OTHER,
            "identity_policies": [ALLOW],
            "resource_policy": grant({"AWS": ACCT}),
        },
        "allowed",
        [],
        ["identity:0", "resource"],
    ),
    (
        "cross-account-direct-session-grant-still-needs-identity",
        {"resource_account": OTHER, "resource_policy": grant({"AWS": SESSION})},
        "implicitDeny",
        ["identity"],
        [],
    ),
    (
        "cross-account-boundary-applies",
        {
            "resource_account": OTHER,
            "identity_policies": [ALLOW],
            "resource_policy": grant({"AWS": ACCT}),
            "permissions_boundary": ALLOW_OTHER,
        },
        "implicitDeny",
        ["permissions_boundary"],
        [],
    ),
    (
        "cross-account-neither",
        {"resource_account": OTHER},
        "implicitDeny",
        ["identity", "resource"],
        [],
    ),
    # Permissions boundary and session policy: intersection
    (
        "boundary-allows",
        {"identity_policies": [ALLOW], "permissions_boundary": ALLOW},
        "allowed",
        [],
        ["identity:0", "permissions_boundary:0"],
    ),
    (
        "boundary-blocks",
        {"identity_policies": [ALLOW], "permissions_boundary": ALLOW_OTHER},
        "implicitDeny",
        ["permissions_boundary"],
        [],
    ),
    (
        "boundary-list-together",
        {"identity_policies": [ALLOW], "permissions_boundary": [ALLOW_OTHER, ALLOW]},
        "allowed",
        [],
        ["identity:0", "permissions_boundary:1"],
    ),
    (
        "boundary-alone-grants-nothing",
        {"permissions_boundary": ALLOW},
        "implicitDeny",
        ["identity"],
        [],
    ),
    (
        "session-allows",
        {"identity_policies": [ALLOW], "session_policy": ALLOW},
        "allowed",
        [],
        ["identity:0", "session"],
    ),
    (
        "session-blocks",
        {"identity_policies": [ALLOW], "session_policy": ALLOW_OTHER},
        "implicitDeny",
        ["session"],
        [],
    ),
    ("session-alone-grants-nothing", {"session_policy": ALLOW}, "implicitDeny", ["identity"], []),
    (
        "boundary-and-session-both-block",
        {
            "identity_policies": [ALLOW],
            "session_policy": ALLOW_OTHER,
            "permissions_boundary": ALLOW_OTHER,
        },
        "implicitDeny",
        ["permissions_boundary", "session"],
        [],
    ),
    (
        "identity-missing-and-boundary-blocks",
        {"identity_policies": [ALLOW_OTHER], "permissions_boundary": ALLOW_OTHER},
        "implicitDeny",
        ["identity", "permissions_boundary"],
        [],
    ),
    # Same-account special cases for resource-policy grants
    (
        "session-arn-grant-not-limited-by-session-policy",
        {"session_policy": ALLOW_OTHER, "resource_policy": grant({"AWS": SESSION})},
        "allowed",
        [],
        ["resource"],
    ),
    (
        "session-arn-grant-not-limited-by-boundary",
        {"permissions_boundary": ALLOW_OTHER, "resource_policy": grant({"AWS": SESSION})},
        "allowed",
        [],
        ["resource"],
    ),
    (
        "role-arn-grant-limited-by-session-policy",
        {"session_policy": ALLOW_OTHER, "resource_policy": grant({"AWS": ROLE})},
        "implicitDeny",
        ["session"],
        [],
    ),
    (
        "role-arn-grant-limited-by-boundary",
        {"permissions_boundary": ALLOW_OTHER, "resource_policy": grant({"AWS": ROLE})},
        "implicitDeny",
        ["permissions_boundary"],
        [],
    ),
    (
        "role-arn-grant-within-boundary",
        {"permissions_boundary": ALLOW, "resource_policy": grant({"AWS": ROLE})},
        "allowed",
        [],
        ["resource", "permissions_boundary:0"],
    ),
    (
        "account-grant-limited-by-boundary",
        {"permissions_boundary": ALLOW_OTHER, "resource_policy": grant({"AWS": ACCT})},
        "implicitDeny",
        ["permissions_boundary"],
        [],
    ),
    (
        "user-arn-grant-not-limited-by-boundary",
        {
            "principal": USER,
            "permissions_boundary": ALLOW_OTHER,
            "resource_policy": grant({"AWS": USER}),
        },
        "allowed",
        [],
        ["resource"],
    ),
    (
        "identity-blocked-but-direct-grant-allows",
        {
            "identity_policies": [ALLOW],
            "session_policy": ALLOW_OTHER,
            "resource_policy": grant({"AWS": SESSION}),
        },
        "allowed",
        [],
        ["resource"],
    ),
    (
        "direct-grant-still-subject-to-scp",
        {"resource_policy": grant({"AWS": SESSION}), "scps": [[ALLOW_OTHER]]},
        "implicitDeny",
        ["scp"],
        [],
    ),
    (
        "role-principal-named-exactly-still-limited-by-boundary",
        {
            "principal": ROLE,
            "permissions_boundary": ALLOW_OTHER,
            "resource_policy": grant({"AWS": ROLE}),
        },
        "implicitDeny",
        ["permissions_boundary"],
        [],
    ),
    # Principal element kinds in resource policies
    (
        "principal-role-arn-with-path-matches-session",
        {"resource_policy": grant({"AWS": f"arn:aws:iam::{ACCT}:role/team/analyst"})},
        "allowed",
        [],
        ["resource"],
    ),
    (
        "principal-other-role",
        {"resource_policy": grant({"AWS": f"arn:aws:iam::{ACCT}:role/ops"})},
        "implicitDeny",
        ["identity", "resource"],
        [],
    ),
    (
        "principal-other-session-of-role",
        {"resource_policy": grant({"AWS": f"arn:aws:sts::{ACCT}:assumed-role/analyst/carol"})},
        "implicitDeny",
        ["identity", "resource"],
        [],
    ),
    (
        "principal-list-one-matches",
        {"resource_policy": grant({"AWS": [USER, ROLE]})},
        "allowed",
        [],
        ["resource"],
    ),
    (
        "principal-service",
        {
            "principal": "cloudtrail.amazonaws.com",
            "resource_policy": grant({"Service": "cloudtrail.amazonaws.com"}),
        },
        "allowed",
        [],
        ["resource"],
    ),
    (
        "principal-service-other",
        {
            "principal": "config.amazonaws.com",
            "resource_policy": grant({"Service": "cloudtrail.amazonaws.com"}),
        },
        "implicitDeny",
        ["identity", "resource"],
        [],
    ),
    (
        "principal-service-not-aws-account",
        {"principal": "cloudtrail.amazonaws.com", "resource_policy": grant({"AWS": ACCT})},
        "implicitDeny",
        ["identity", "resource"],
        [],
    ),
    (
        "principal-federated",
        {
            "principal": "cognito-identity.amazonaws.com",
            "resource_policy": grant({"Federated": "cognito-identity.amazonaws.com"}),
        },
        "allowed",
        [],
        ["resource"],
    ),
    (
        "principal-anonymous-star",
        {"principal": "anonymous", "resource_policy": grant("*")},
        "allowed",
        [],
        ["resource"],
    ),
    (
        "principal-anonymous-not-account",
        {"principal": "anonymous", "resource_policy": grant({"AWS": ACCT})},
        "implicitDeny",
        ["identity", "resource"],
        [],
    ),
    (
        "not-principal-excludes-listed",
        {"resource_policy": doc(stmt(NotPrincipal={"AWS": ROLE}, resource="*"))},
        "implicitDeny",
        ["identity", "resource"],
        [],
    ),
    (
        "not-principal-allows-others",
        {"resource_policy": doc(stmt(NotPrincipal={"AWS": USER}, resource="*"))},
        "allowed",
        [],
        ["resource"],
    ),
    (
        "deny-not-principal-exempts-listed",
        {
            "identity_policies": [ALLOW],
            "resource_policy": doc(stmt("Deny", NotPrincipal={"AWS": ROLE})),
        },
        "allowed",
        [],
        ["identity:0"],
    ),
    (
        "deny-not-principal-hits-others",
        {
            "principal": USER,
            "identity_policies": [ALLOW],
            "resource_policy": doc(stmt("Deny", NotPrincipal={"AWS": ROLE})),
        },
        "explicitDeny",
        [],
        ["resource"],
    ),
    # NotAction / NotResource
    (
        "not-action-allows-others",
        {"identity_policies": [doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})]},
        "allowed",
        [],
        ["identity:0"],
    ),
    (
        "not-action-excludes-listed",
        {"identity_policies": [doc({"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"})]},
        "implicitDeny",
        ["identity"],
        [],
    ),
    (
        "deny-not-action-spares-listed",
        {
            "identity_policies": [
                ALLOW,
                doc({"Effect": "Deny", "NotAction": "s3:Get*", "Resource": "*"}),
            ]
        },
        "allowed",
        [],
        ["identity:0"],
    ),
    (
        "not-resource-allows-others",
        {
            "identity_policies": [
                doc({"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::secret/*"})
            ]
        },
        "allowed",
        [],
        ["identity:0"],
    ),
    (
        "not-resource-excludes-listed",
        {
            "identity_policies": [
                doc({"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::data/*"})
            ]
        },
        "implicitDeny",
        ["identity"],
        [],
    ),
    (
        "deny-not-resource-hits-outside",
        {
            "identity_policies": [
                ALLOW,
                doc({"Effect": "Deny", "Action": "s3:*", "NotResource": "arn:aws:s3:::safe/*"}),
            ]
        },
        "explicitDeny",
        [],
        ["identity:1"],
    ),
    # Conditions decide which statements apply
    (
        "deny-with-false-condition-ignored",
        {
            "identity_policies": [
                ALLOW,
                doc(stmt("Deny", Condition={"Bool": {"aws:SecureTransport": "false"}})),
            ],
            "context": {"aws:SecureTransport": True},
        },
        "allowed",
        [],
        ["identity:0"],
    ),
    (
        "deny-with-true-condition",
        {
            "identity_policies": [
                ALLOW,
                doc(stmt("Deny", Condition={"Bool": {"aws:SecureTransport": "false"}})),
            ],
            "context": {"aws:SecureTransport": False},
        },
        "explicitDeny",
        [],
        ["identity:1"],
    ),
    (
        "session-condition-on-ip",
        {
            "identity_policies": [ALLOW],
            "session_policy": doc(stmt(Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})),
            "context": {"aws:SourceIp": "192.0.2.1"},
        },
        "implicitDeny",
        ["session"],
        [],
    ),
]


@pytest.mark.parametrize(
    ("fields", "decision", "blocked_by", "policies"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_evaluation(
    fields: dict[str, Any], decision: str, blocked_by: list[str], policies: list[str]
) -> None:
    result = decide(**fields)
    assert result["decision"] == decision
    assert result["blocked_by"] == blocked_by
    assert [m["policy"] for m in result["matched"]] == policies


def test_matched_carries_statement_index_and_sid() -> None:
    result = decide(identity_policies=[doc(stmt(action="s3:PutObject"), stmt(Sid="Read"))])
    assert result["matched"] == [{"policy": "identity:0", "statement": 1, "sid": "Read"}]


def test_matched_sid_null_when_absent() -> None:
    result = decide(identity_policies=[doc(stmt())])
    assert result["matched"] == [{"policy": "identity:0", "statement": 0, "sid": None}]


def test_single_statement_object_is_index_0() -> None:
    single = {"Version": "2012-10-17", "Statement": stmt(Sid="Only")}
    result = decide(identity_policies=[single])
    assert result["matched"] == [{"policy": "identity:0", "statement": 0, "sid": "Only"}]


def test_ids_unique() -> None:
    assert len({c[0] for c in CASES}) == len(CASES)
