"""Action/Resource matching and policy variables, from the IAM element reference:
wildcards, case rules, ``?`` versus a literal ``.``, variables, defaults and escapes."""

from __future__ import annotations

from typing import Any

import pytest

from qds_notebook.policy import Request, evaluate, parse_policy

USER = "arn:aws:iam::111122223333:user/alice"


def allows(
    action_pattern: Any,
    resource_pattern: Any,
    *,
    action: str = "s3:GetObject",
    resource: str = "arn:aws:s3:::bucket/key",
    context: dict[str, Any] | None = None,
    version: str | None = "2012-10-17",
    principal: str = USER,
    element: str = "Resource",
) -> bool:
    doc: dict[str, Any] = {
        "Statement": [{"Effect": "Allow", "Action": action_pattern, element: resource_pattern}]
    }
    if version is not None:
        doc["Version"] = version
    request = Request(
        principal=principal,
        action=action,
        resource=resource,
        context=context or {},
        identity_policies=[parse_policy(doc)],
    )
    return evaluate(request).allowed


ACTION_CASES = [
    ("exact", "s3:GetObject", "s3:GetObject", True),
    ("action-case-insensitive-policy", "S3:GETOBJECT", "s3:GetObject", True),
    ("action-case-insensitive-request", "s3:GetObject", "S3:getobject", True),
    ("star-all", "*", "iam:CreateUser", True),
    ("service-star", "s3:*", "s3:PutObject", True),
    ("service-star-other-service", "s3:*", "ec2:RunInstances", False),
    ("prefix-star", "s3:Get*", "s3:GetObjectAcl", True),
    ("prefix-star-no", "s3:Get*", "s3:PutObject", False),
    ("infix-star", "s3:*Object", "s3:DeleteObject", True),
    ("question-one-char", "s3:GetObjec?", "s3:GetObject", True),
    ("question-not-zero-chars", "s3:GetObject?", "s3:GetObject", False),
    ("list-one-matches", ["ec2:*", "s3:GetObject"], "s3:GetObject", True),
    ("no-partial-match", "s3:Get", "s3:GetObject", False),
]


@pytest.mark.parametrize(
    ("pattern", "action", "expected"),
    [c[1:] for c in ACTION_CASES],
    ids=[c[0] for c in ACTION_CASES],
)
def test_action(pattern: Any, action: str, expected: bool) -> None:
    assert allows(pattern, "*", action=action) is expected


RESOURCE_CASES: list[tuple[str, Any, str, bool]] = [
    ("exact", "arn:aws:s3:::bucket/key", "arn:aws:s3:::bucket/key", True),
    ("resource-case-sensitive", "arn:aws:s3:::bucket/KEY", "arn:aws:s3:::bucket/key", False),
    ("bucket-arn-not-objects", "arn:aws:s3:::bucket", "arn:aws:s3:::bucket/key", False),
    ("objects-star", "arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b/c", True),
    ("objects-star-not-bucket", "arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket", False),
    ("star-crosses-slashes-and-colons", "arn:aws:*", "arn:aws:s3:::bucket/a:b", True),
    (
        "question-exactly-one",
        "arn:aws:s3:::bucket/file?.csv",
        "arn:aws:s3:::bucket/file1.csv",
        True,
    ),
    ("question-not-two", "arn:aws:s3:::bucket/file?.csv", "arn:aws:s3:::bucket/file12.csv", False),
    ("dot-is-literal", "arn:aws:s3:::bucket/a.csv", "arn:aws:s3:::bucket/aXcsv", False),
    ("dot-matches-dot", "arn:aws:s3:::bucket/a.csv", "arn:aws:s3:::bucket/a.csv", True),
    ("regex-chars-literal", "arn:aws:s3:::bucket/[a]+", "arn:aws:s3:::bucket/a", False),
    (
        "list-second-matches",
        ["arn:aws:s3:::other/*", "arn:aws:s3:::bucket/*"],
        "arn:aws:s3:::bucket/k",
        True,
    ),
    ("similar-bucket-prefix", "arn:aws:s3:::bucket*", "arn:aws:s3:::bucket-prod/k", True),
]


@pytest.mark.parametrize(
    ("pattern", "resource", "expected"),
    [c[1:] for c in RESOURCE_CASES],
    ids=[c[0] for c in RESOURCE_CASES],
)
def test_resource(pattern: Any, resource: str, expected: bool) -> None:
    assert allows("s3:*", pattern, resource=resource) is expected


HOME = "arn:aws:s3:::bucket/home/${aws:username}/*"
VARIABLE_CASES: list[tuple[str, str, str, dict[str, Any], str | None, bool]] = [
    ("username-own-home", HOME, "arn:aws:s3:::bucket/home/alice/a", {}, "2012-10-17", True),
    ("username-other-home", HOME, "arn:aws:s3:::bucket/home/bob/a", {}, "2012-10-17", False),
    ("username-missing-for-role", HOME, "arn:aws:s3:::bucket/home/alice/a", {}, "role", False),
    (
        "principal-tag",
        "arn:aws:s3:::bucket/${aws:PrincipalTag/team}/*",
        "arn:aws:s3:::bucket/data/x",
        {"aws:PrincipalTag/team": "data"},
        "2012-10-17",
        True,
    ),
    (
        "variable-key-case-insensitive",
        "arn:aws:s3:::bucket/${AWS:PRINCIPALTAG/TEAM}/*",
        "arn:aws:s3:::bucket/data/x",
        {"aws:PrincipalTag/team": "data"},
        "2012-10-17",
        True,
    ),
    (
        "s3-prefix-single-element-list",
        "arn:aws:s3:::bucket/${s3:prefix}*",
        "arn:aws:s3:::bucket/qds/x",
        {"s3:prefix": ["qds/"]},
        "2012-10-17",
        True,
    ),
    (
        "multivalued-key-unresolved",
        "arn:aws:s3:::bucket/${s3:prefix}*",
        "arn:aws:s3:::bucket/qds/x",
        {"s3:prefix": ["qds/", "x/"]},
        "2012-10-17",
        False,
    ),
    (
        "default-used-when-missing",
        "arn:aws:s3:::bucket/${aws:PrincipalTag/team, 'shared'}/*",
        "arn:aws:s3:::bucket/shared/x",
        {},
        "2012-10-17",
        True,
    ),
    (
        "default-ignored-when-present",
        "arn:aws:s3:::bucket/${aws:PrincipalTag/team, 'shared'}/*",
        "arn:aws:s3:::bucket/shared/x",
        {"aws:PrincipalTag/team": "data"},
        "2012-10-17",
        False,
    ),
    (
        "value-is-literal-not-wildcard",
        "arn:aws:s3:::bucket/${aws:PrincipalTag/team}",
        "arn:aws:s3:::bucket/anything",
        {"aws:PrincipalTag/team": "*"},
        "2012-10-17",
        False,
    ),
    (
        "escape-star-literal",
        "arn:aws:s3:::bucket/${*}",
        "arn:aws:s3:::bucket/x",
        {},
        "2012-10-17",
        False,
    ),
    (
        "escape-star-matches-star",
        "arn:aws:s3:::bucket/${*}",
        "arn:aws:s3:::bucket/*",
        {},
        "2012-10-17",
        True,
    ),
    (
        "escape-question-literal",
        "arn:aws:s3:::bucket/a${?}",
        "arn:aws:s3:::bucket/ab",
        {},
        "2012-10-17",
        False,
    ),
    (
        "escape-question-matches",
        "arn:aws:s3:::bucket/a${?}",
        "arn:aws:s3:::bucket/a?",
        {},
        "2012-10-17",
        True,
    ),
    (
        "escape-dollar",
        "arn:aws:s3:::bucket/${$}{x}",
        "arn:aws:s3:::bucket/${x}",
        {},
        "2012-10-17",
        True,
    ),
    ("version-2008-literal", HOME, "arn:aws:s3:::bucket/home/alice/a", {}, "2008-10-17", False),
    (
        "version-2008-literal-text-matches",
        HOME,
        "arn:aws:s3:::bucket/home/${aws:username}/a",
        {},
        "2008-10-17",
        True,
    ),
    ("no-version-literal", HOME, "arn:aws:s3:::bucket/home/alice/a", {}, None, False),
]


@pytest.mark.parametrize(
    ("pattern", "resource", "context", "version", "expected"),
    [c[1:] for c in VARIABLE_CASES],
    ids=[c[0] for c in VARIABLE_CASES],
)
def test_variables_in_resource(
    pattern: str, resource: str, context: dict[str, Any], version: str | None, expected: bool
) -> None:
    principal = USER
    if version == "role":
        principal, version = "arn:aws:sts::111122223333:assumed-role/r/alice", "2012-10-17"
    assert (
        allows(
            "s3:*",
            pattern,
            resource=resource,
            context=context,
            version=version,
            principal=principal,
        )
        is expected
    )


def test_not_resource_with_unresolved_variable_does_not_match() -> None:
    # "The element does not match": a NotResource we cannot resolve must not grant everything.
    pattern = "arn:aws:s3:::bucket/${aws:PrincipalTag/team}/*"
    assert not allows("s3:*", pattern, element="NotResource", resource="arn:aws:s3:::x/y")
    assert allows(
        "s3:*",
        pattern,
        element="NotResource",
        resource="arn:aws:s3:::x/y",
        context={"aws:PrincipalTag/team": "data"},
    )


def test_variables_not_substituted_in_action() -> None:
    assert not allows("s3:${aws:username}", "*", action="s3:alice")


def test_ids_unique() -> None:
    for table in (ACTION_CASES, RESOURCE_CASES, VARIABLE_CASES):
        assert len({c[0] for c in table}) == len(table)
