"""Condition operators, from the IAM condition-operator reference: each family positive,
negative and with the key missing; IfExists; ForAllValues/ForAnyValue; key case; variables."""

from __future__ import annotations

from typing import Any

import pytest

from qds_notebook.policy import Request, evaluate, parse_policy

USER = "arn:aws:iam::111122223333:user/alice"


def allowed(
    condition: dict[str, Any],
    context: dict[str, Any],
    *,
    version: str = "2012-10-17",
    principal: str = USER,
) -> bool:
    doc = {
        "Version": version,
        "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": condition}
        ],
    }
    request = Request(
        principal=principal,
        action="s3:GetObject",
        resource="arn:aws:s3:::b/k",
        context=context,
        identity_policies=[parse_policy(doc)],
    )
    return evaluate(request).allowed


CASES: list[tuple[str, dict[str, Any], dict[str, Any], bool]] = [
    # String family
    (
        "StringEquals-match",
        {"StringEquals": {"aws:PrincipalTag/team": "data"}},
        {"aws:PrincipalTag/team": "data"},
        True,
    ),
    (
        "StringEquals-case-sensitive",
        {"StringEquals": {"aws:PrincipalTag/team": "data"}},
        {"aws:PrincipalTag/team": "Data"},
        False,
    ),
    ("StringEquals-missing-key", {"StringEquals": {"aws:PrincipalTag/team": "data"}}, {}, False),
    (
        "StringEquals-values-ORed",
        {"StringEquals": {"aws:PrincipalTag/team": ["ops", "data"]}},
        {"aws:PrincipalTag/team": "data"},
        True,
    ),
    (
        "StringNotEquals-differs",
        {"StringNotEquals": {"aws:PrincipalTag/team": "ops"}},
        {"aws:PrincipalTag/team": "data"},
        True,
    ),
    (
        "StringNotEquals-equal",
        {"StringNotEquals": {"aws:PrincipalTag/team": "ops"}},
        {"aws:PrincipalTag/team": "ops"},
        False,
    ),
    (
        "StringNotEquals-missing-key-true",
        {"StringNotEquals": {"aws:PrincipalTag/team": "ops"}},
        {},
        True,
    ),
    (
        "StringNotEquals-NOR-over-values",
        {"StringNotEquals": {"aws:PrincipalTag/team": ["a", "b"]}},
        {"aws:PrincipalTag/team": "b"},
        False,
    ),
    (
        "StringNotEquals-none-of-values",
        {"StringNotEquals": {"aws:PrincipalTag/team": ["a", "b"]}},
        {"aws:PrincipalTag/team": "c"},
        True,
    ),
    (
        "StringEqualsIgnoreCase-match",
        {"StringEqualsIgnoreCase": {"aws:PrincipalTag/t": "DATA"}},
        {"aws:PrincipalTag/t": "data"},
        True,
    ),
    (
        "StringEqualsIgnoreCase-differs",
        {"StringEqualsIgnoreCase": {"aws:PrincipalTag/t": "DATA"}},
        {"aws:PrincipalTag/t": "ops"},
        False,
    ),
    (
        "StringEqualsIgnoreCase-missing",
        {"StringEqualsIgnoreCase": {"aws:PrincipalTag/t": "x"}},
        {},
        False,
    ),
    (
        "StringNotEqualsIgnoreCase-same-folded",
        {"StringNotEqualsIgnoreCase": {"aws:PrincipalTag/t": "DATA"}},
        {"aws:PrincipalTag/t": "data"},
        False,
    ),
    (
        "StringNotEqualsIgnoreCase-differs",
        {"StringNotEqualsIgnoreCase": {"aws:PrincipalTag/t": "DATA"}},
        {"aws:PrincipalTag/t": "ops"},
        True,
    ),
    (
        "StringNotEqualsIgnoreCase-missing",
        {"StringNotEqualsIgnoreCase": {"aws:PrincipalTag/t": "DATA"}},
        {},
        True,
    ),
    (
        "StringLike-star",
        {"StringLike": {"s3:prefix": "home/*"}},
        {"s3:prefix": "home/alice/"},
        True,
    ),
    ("StringLike-no-match", {"StringLike": {"s3:prefix": "home/*"}}, {"s3:prefix": "work/"}, False),
    (
        "StringLike-question-one-char",
        {"StringLike": {"s3:prefix": "v?"}},
        {"s3:prefix": "v1"},
        True,
    ),
    (
        "StringLike-question-not-two",
        {"StringLike": {"s3:prefix": "v?"}},
        {"s3:prefix": "v12"},
        False,
    ),
    ("StringLike-dot-literal", {"StringLike": {"s3:prefix": "a.c"}}, {"s3:prefix": "abc"}, False),
    (
        "StringLike-case-sensitive",
        {"StringLike": {"s3:prefix": "Home/*"}},
        {"s3:prefix": "home/x"},
        False,
    ),
    ("StringLike-missing", {"StringLike": {"s3:prefix": "*"}}, {}, False),
    (
        "StringNotLike-matches",
        {"StringNotLike": {"s3:prefix": "tmp/*"}},
        {"s3:prefix": "tmp/x"},
        False,
    ),
    (
        "StringNotLike-differs",
        {"StringNotLike": {"s3:prefix": "tmp/*"}},
        {"s3:prefix": "data/x"},
        True,
    ),
    ("StringNotLike-missing-true", {"StringNotLike": {"s3:prefix": "tmp/*"}}, {}, True),
    # Numeric family
    ("NumericEquals-match", {"NumericEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": "10"}, True),
    (
        "NumericEquals-decimal-vs-int",
        {"NumericEquals": {"s3:max-keys": "10.0"}},
        {"s3:max-keys": 10},
        True,
    ),
    ("NumericEquals-differs", {"NumericEquals": {"s3:max-keys": 10}}, {"s3:max-keys": "11"}, False),
    ("NumericEquals-missing", {"NumericEquals": {"s3:max-keys": 10}}, {}, False),
    (
        "NumericEquals-non-numeric-context",
        {"NumericEquals": {"s3:max-keys": 10}},
        {"s3:max-keys": "ten"},
        False,
    ),
    (
        "NumericNotEquals-differs",
        {"NumericNotEquals": {"s3:max-keys": 10}},
        {"s3:max-keys": 11},
        True,
    ),
    (
        "NumericNotEquals-equal",
        {"NumericNotEquals": {"s3:max-keys": 10}},
        {"s3:max-keys": 10},
        False,
    ),
    ("NumericNotEquals-missing", {"NumericNotEquals": {"s3:max-keys": 10}}, {}, True),
    ("NumericLessThan-less", {"NumericLessThan": {"s3:max-keys": 10}}, {"s3:max-keys": 9}, True),
    ("NumericLessThan-equal", {"NumericLessThan": {"s3:max-keys": 10}}, {"s3:max-keys": 10}, False),
    (
        "NumericLessThanEquals-equal",
        {"NumericLessThanEquals": {"s3:max-keys": 10}},
        {"s3:max-keys": 10},
        True,
    ),
    (
        "NumericLessThanEquals-greater",
        {"NumericLessThanEquals": {"s3:max-keys": 10}},
        {"s3:max-keys": 11},
        False,
    ),
    (
        "NumericGreaterThan-greater",
        {"NumericGreaterThan": {"s3:max-keys": 10}},
        {"s3:max-keys": 10.5},
        True,
    ),
    (
        "NumericGreaterThan-equal",
        {"NumericGreaterThan": {"s3:max-keys": 10}},
        {"s3:max-keys": 10},
        False,
    ),
    (
        "NumericGreaterThanEquals-equal",
        {"NumericGreaterThanEquals": {"s3:max-keys": 10}},
        {"s3:max-keys": 10},
        True,
    ),
    (
        "NumericGreaterThanEquals-less",
        {"NumericGreaterThanEquals": {"s3:max-keys": 10}},
        {"s3:max-keys": 9},
        False,
    ),
    (
        "NumericGreaterThanEquals-missing",
        {"NumericGreaterThanEquals": {"s3:max-keys": 1}},
        {},
        False,
    ),
    # Date family (ISO 8601 and epoch seconds)
    (
        "DateEquals-iso",
        {"DateEquals": {"aws:CurrentTime": "2024-01-01T00:00:00Z"}},
        {"aws:CurrentTime": "2024-01-01T00:00:00+00:00"},
        True,
    ),
    (
        "DateEquals-epoch-vs-iso",
        {"DateEquals": {"aws:CurrentTime": "1704067200"}},
        {"aws:CurrentTime": "2024-01-01T00:00:00Z"},
        True,
    ),
    (
        "DateEquals-differs",
        {"DateEquals": {"aws:CurrentTime": "2024-01-01T00:00:00Z"}},
        {"aws:CurrentTime": "2024-01-02T00:00:00Z"},
        False,
    ),
    ("DateEquals-missing", {"DateEquals": {"aws:CurrentTime": "2024-01-01T00:00:00Z"}}, {}, False),
    (
        "DateNotEquals-differs",
        {"DateNotEquals": {"aws:CurrentTime": "2024-01-01"}},
        {"aws:CurrentTime": "2024-06-01T00:00:00Z"},
        True,
    ),
    (
        "DateNotEquals-equal",
        {"DateNotEquals": {"aws:CurrentTime": "2024-01-01"}},
        {"aws:CurrentTime": "2024-01-01T00:00:00Z"},
        False,
    ),
    ("DateNotEquals-missing", {"DateNotEquals": {"aws:CurrentTime": "2024-01-01"}}, {}, True),
    (
        "DateLessThan-before",
        {"DateLessThan": {"aws:CurrentTime": "2025-01-01T00:00:00Z"}},
        {"aws:CurrentTime": "2024-12-31T23:59:59Z"},
        True,
    ),
    (
        "DateLessThan-after",
        {"DateLessThan": {"aws:CurrentTime": "2025-01-01T00:00:00Z"}},
        {"aws:CurrentTime": "2025-01-01T00:00:01Z"},
        False,
    ),
    (
        "DateLessThanEquals-equal",
        {"DateLessThanEquals": {"aws:CurrentTime": "2025-01-01"}},
        {"aws:CurrentTime": "2025-01-01T00:00:00Z"},
        True,
    ),
    (
        "DateLessThanEquals-after",
        {"DateLessThanEquals": {"aws:CurrentTime": "2025-01-01"}},
        {"aws:CurrentTime": "2025-01-02"},
        False,
    ),
    (
        "DateGreaterThan-after-epoch",
        {"DateGreaterThan": {"aws:TokenIssueTime": "1700000000"}},
        {"aws:TokenIssueTime": 1700000001},
        True,
    ),
    (
        "DateGreaterThan-before",
        {"DateGreaterThan": {"aws:TokenIssueTime": "1700000000"}},
        {"aws:TokenIssueTime": "2020-01-01T00:00:00Z"},
        False,
    ),
    (
        "DateGreaterThanEquals-equal",
        {"DateGreaterThanEquals": {"aws:CurrentTime": "2024-01-01"}},
        {"aws:CurrentTime": "2024-01-01T00:00:00Z"},
        True,
    ),
    (
        "DateGreaterThanEquals-missing",
        {"DateGreaterThanEquals": {"aws:CurrentTime": "2024-01-01"}},
        {},
        False,
    ),
    (
        "Date-timezone-offset",
        {"DateEquals": {"aws:CurrentTime": "2024-01-01T01:00:00+01:00"}},
        {"aws:CurrentTime": "2024-01-01T00:00:00Z"},
        True,
    ),
    (
        "Date-unparseable-context",
        {"DateLessThan": {"aws:CurrentTime": "2025-01-01"}},
        {"aws:CurrentTime": "yesterday"},
        False,
    ),
    # Bool
    ("Bool-true", {"Bool": {"aws:SecureTransport": "true"}}, {"aws:SecureTransport": True}, True),
    (
        "Bool-false-vs-true",
        {"Bool": {"aws:SecureTransport": "true"}},
        {"aws:SecureTransport": "false"},
        False,
    ),
    (
        "Bool-json-bool-in-policy",
        {"Bool": {"aws:MultiFactorAuthPresent": True}},
        {"aws:MultiFactorAuthPresent": "TRUE"},
        True,
    ),
    ("Bool-missing", {"Bool": {"aws:MultiFactorAuthPresent": "true"}}, {}, False),
    ("BoolIfExists-missing", {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}, {}, True),
    # Binary
    (
        "BinaryEquals-match",
        {"BinaryEquals": {"s3:x-amz-meta-blob": "QmluYXJ5"}},
        {"s3:x-amz-meta-blob": "QmluYXJ5"},
        True,
    ),
    (
        "BinaryEquals-differs",
        {"BinaryEquals": {"s3:x-amz-meta-blob": "QmluYXJ5"}},
        {"s3:x-amz-meta-blob": "b3RoZXI="},
        False,
    ),
    ("BinaryEquals-missing", {"BinaryEquals": {"s3:x-amz-meta-blob": "QmluYXJ5"}}, {}, False),
    # IP addresses
    (
        "IpAddress-in-cidr",
        {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        {"aws:SourceIp": "203.0.113.7"},
        True,
    ),
    (
        "IpAddress-outside",
        {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        {"aws:SourceIp": "198.51.100.7"},
        False,
    ),
    (
        "IpAddress-single-host",
        {"IpAddress": {"aws:SourceIp": "203.0.113.7"}},
        {"aws:SourceIp": "203.0.113.7"},
        True,
    ),
    (
        "IpAddress-ipv6",
        {"IpAddress": {"aws:SourceIp": "2001:db8::/32"}},
        {"aws:SourceIp": "2001:db8:1234::1"},
        True,
    ),
    (
        "IpAddress-ipv6-outside",
        {"IpAddress": {"aws:SourceIp": "2001:db8::/32"}},
        {"aws:SourceIp": "2001:db9::1"},
        False,
    ),
    (
        "IpAddress-v4-vs-v6-list",
        {"IpAddress": {"aws:SourceIp": ["2001:db8::/32", "10.0.0.0/8"]}},
        {"aws:SourceIp": "10.9.8.7"},
        True,
    ),
    ("IpAddress-missing", {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, {}, False),
    (
        "IpAddress-garbage-context",
        {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
        {"aws:SourceIp": "not-an-ip"},
        False,
    ),
    (
        "NotIpAddress-outside",
        {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
        {"aws:SourceIp": "192.0.2.1"},
        True,
    ),
    (
        "NotIpAddress-inside",
        {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
        {"aws:SourceIp": "10.0.0.1"},
        False,
    ),
    ("NotIpAddress-missing", {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, {}, True),
    # ARN family (segment-wise)
    (
        "ArnEquals-exact",
        {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:t"}},
        {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:t"},
        True,
    ),
    (
        "ArnEquals-other",
        {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:t"}},
        {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:u"},
        False,
    ),
    (
        "ArnLike-wild-region",
        {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:111122223333:t"}},
        {"aws:SourceArn": "arn:aws:sns:eu-west-1:111122223333:t"},
        True,
    ),
    (
        "ArnLike-star-stays-in-segment",
        {"ArnLike": {"aws:SourceArn": "arn:aws:sns:us-*:111122223333:t"}},
        {"aws:SourceArn": "arn:aws:sns:us-east-1:x:111122223333:t"},
        False,
    ),
    (
        "ArnLike-resource-segment-has-colons",
        {"ArnLike": {"aws:SourceArn": "arn:aws:logs:us-east-1:111122223333:log-group:*"}},
        {"aws:SourceArn": "arn:aws:logs:us-east-1:111122223333:log-group:g:log-stream:s"},
        True,
    ),
    (
        "ArnLike-context-not-arn",
        {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:*:*"}},
        {"aws:SourceArn": "sns-topic"},
        False,
    ),
    ("ArnLike-missing", {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:*:*"}}, {}, False),
    (
        "ArnNotEquals-differs",
        {"ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::1:role/x"}},
        {"aws:PrincipalArn": "arn:aws:iam::1:role/y"},
        True,
    ),
    (
        "ArnNotEquals-equal",
        {"ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::1:role/x"}},
        {"aws:PrincipalArn": "arn:aws:iam::1:role/x"},
        False,
    ),
    (
        "ArnNotLike-matches",
        {"ArnNotLike": {"aws:SourceArn": "arn:aws:sns:*:*:t*"}},
        {"aws:SourceArn": "arn:aws:sns:r:1:topic"},
        False,
    ),
    ("ArnNotLike-missing", {"ArnNotLike": {"aws:SourceArn": "arn:aws:sns:*:*:t*"}}, {}, True),
    # Null
    ("Null-true-key-absent", {"Null": {"aws:TokenIssueTime": "true"}}, {}, True),
    (
        "Null-true-key-present",
        {"Null": {"aws:TokenIssueTime": "true"}},
        {"aws:TokenIssueTime": "2024-01-01T00:00:00Z"},
        False,
    ),
    (
        "Null-false-key-present",
        {"Null": {"aws:TokenIssueTime": "false"}},
        {"aws:TokenIssueTime": "2024-01-01T00:00:00Z"},
        True,
    ),
    ("Null-false-key-absent", {"Null": {"aws:TokenIssueTime": False}}, {}, False),
    # ...IfExists
    (
        "StringEqualsIfExists-missing",
        {"StringEqualsIfExists": {"ec2:InstanceType": "t3.micro"}},
        {},
        True,
    ),
    (
        "StringEqualsIfExists-present-match",
        {"StringEqualsIfExists": {"ec2:InstanceType": "t3.micro"}},
        {"ec2:InstanceType": "t3.micro"},
        True,
    ),
    (
        "StringEqualsIfExists-present-differs",
        {"StringEqualsIfExists": {"ec2:InstanceType": "t3.micro"}},
        {"ec2:InstanceType": "m5.large"},
        False,
    ),
    ("NumericLessThanIfExists-missing", {"NumericLessThanIfExists": {"s3:max-keys": 5}}, {}, True),
    (
        "IpAddressIfExists-present-outside",
        {"IpAddressIfExists": {"aws:SourceIp": "10.0.0.0/8"}},
        {"aws:SourceIp": "192.0.2.1"},
        False,
    ),
    (
        "StringNotLikeIfExists-present-matches",
        {"StringNotLikeIfExists": {"s3:prefix": "tmp/*"}},
        {"s3:prefix": "tmp/a"},
        False,
    ),
    # Set operators
    (
        "ForAllValues-subset",
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}},
        {"aws:TagKeys": ["env"]},
        True,
    ),
    (
        "ForAllValues-extra-value",
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}},
        {"aws:TagKeys": ["env", "cost"]},
        False,
    ),
    (
        "ForAllValues-missing-key-true",
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["env"]}},
        {},
        True,
    ),
    (
        "ForAllValues-empty-set-true",
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["env"]}},
        {"aws:TagKeys": []},
        True,
    ),
    (
        "ForAllValues-StringLike",
        {"ForAllValues:StringLike": {"aws:TagKeys": ["app-*"]}},
        {"aws:TagKeys": ["app-a", "app-b"]},
        True,
    ),
    (
        "ForAllValues-negated-none-match",
        {"ForAllValues:StringNotEquals": {"aws:TagKeys": ["secret"]}},
        {"aws:TagKeys": ["env", "team"]},
        True,
    ),
    (
        "ForAllValues-negated-one-matches",
        {"ForAllValues:StringNotEquals": {"aws:TagKeys": ["secret"]}},
        {"aws:TagKeys": ["env", "secret"]},
        False,
    ),
    (
        "ForAnyValue-overlap",
        {"ForAnyValue:StringEquals": {"aws:TagKeys": ["env"]}},
        {"aws:TagKeys": ["cost", "env"]},
        True,
    ),
    (
        "ForAnyValue-no-overlap",
        {"ForAnyValue:StringEquals": {"aws:TagKeys": ["env"]}},
        {"aws:TagKeys": ["cost"]},
        False,
    ),
    (
        "ForAnyValue-missing-key-false",
        {"ForAnyValue:StringEquals": {"aws:TagKeys": ["env"]}},
        {},
        False,
    ),
    (
        "ForAnyValue-empty-set-false",
        {"ForAnyValue:StringEquals": {"aws:TagKeys": ["env"]}},
        {"aws:TagKeys": []},
        False,
    ),
    (
        "ForAnyValue-negated-one-differs",
        {"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["env"]}},
        {"aws:TagKeys": ["env", "x"]},
        True,
    ),
    (
        "ForAnyValue-IfExists-missing",
        {"ForAnyValue:StringEqualsIfExists": {"aws:TagKeys": ["env"]}},
        {},
        True,
    ),
    # Multi-valued context under a single-valued operator: match-any
    (
        "multivalued-positive-any",
        {"StringEquals": {"aws:CalledVia": "athena.amazonaws.com"}},
        {"aws:CalledVia": ["glue.amazonaws.com", "athena.amazonaws.com"]},
        True,
    ),
    (
        "multivalued-negated-none",
        {"StringNotEquals": {"aws:CalledVia": "athena.amazonaws.com"}},
        {"aws:CalledVia": ["glue.amazonaws.com", "athena.amazonaws.com"]},
        False,
    ),
    # Blocks: keys ANDed, operators ANDed
    (
        "two-keys-ANDed-both",
        {"StringEquals": {"aws:PrincipalTag/a": "1", "aws:PrincipalTag/b": "2"}},
        {"aws:PrincipalTag/a": "1", "aws:PrincipalTag/b": "2"},
        True,
    ),
    (
        "two-keys-ANDed-one",
        {"StringEquals": {"aws:PrincipalTag/a": "1", "aws:PrincipalTag/b": "2"}},
        {"aws:PrincipalTag/a": "1", "aws:PrincipalTag/b": "3"},
        False,
    ),
    (
        "two-operators-ANDed",
        {"StringEquals": {"aws:PrincipalTag/a": "1"}, "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
        {"aws:PrincipalTag/a": "1", "aws:SourceIp": "192.0.2.1"},
        False,
    ),
    # Condition key names are case-insensitive (both in the policy and in the context)
    (
        "key-case-policy-upper",
        {"StringEquals": {"AWS:SOURCEVPC": "vpc-1"}},
        {"aws:SourceVpc": "vpc-1"},
        True,
    ),
    (
        "key-case-context-lower",
        {"StringEquals": {"aws:SourceVpc": "vpc-1"}},
        {"aws:sourcevpc": "vpc-1"},
        True,
    ),
    # Derived keys
    ("derived-aws-username", {"StringEquals": {"aws:username": "alice"}}, {}, True),
    (
        "derived-principal-account",
        {"StringEquals": {"aws:PrincipalAccount": "111122223333"}},
        {},
        True,
    ),
    ("derived-principal-type", {"StringEquals": {"aws:PrincipalType": "User"}}, {}, True),
    (
        "caller-context-overrides-derived",
        {"StringEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:user/ops/alice"}},
        {"aws:PrincipalArn": "arn:aws:iam::111122223333:user/ops/alice"},
        True,
    ),
    # Variables in condition values
    (
        "var-in-condition-value",
        {"StringLike": {"s3:prefix": "home/${aws:username}/*"}},
        {"s3:prefix": "home/alice/docs"},
        True,
    ),
    (
        "var-in-condition-other-user",
        {"StringLike": {"s3:prefix": "home/${aws:username}/*"}},
        {"s3:prefix": "home/bob/docs"},
        False,
    ),
    (
        "var-unresolved-makes-negated-false",
        {"StringNotEquals": {"s3:prefix": "${aws:PrincipalTag/home}"}},
        {"s3:prefix": "x"},
        False,
    ),
    (
        "var-default-used",
        {"StringEquals": {"s3:prefix": "${aws:PrincipalTag/home, 'shared'}"}},
        {"s3:prefix": "shared"},
        True,
    ),
    (
        "var-literal-star-escape",
        {"StringLike": {"s3:prefix": "a${*}"}},
        {"s3:prefix": "abc"},
        False,
    ),
    (
        "var-literal-star-escape-exact",
        {"StringLike": {"s3:prefix": "a${*}"}},
        {"s3:prefix": "a*"},
        True,
    ),
]


@pytest.mark.parametrize(
    ("condition", "context", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_condition(condition: dict[str, Any], context: dict[str, Any], expected: bool) -> None:
    assert allowed(condition, context) is expected


def test_2008_variable_does_not_resolve() -> None:
    # Under the 2008 grammar ${aws:username} is literal, so "alice" does not match it.
    condition = {"StringEquals": {"s3:prefix": "${aws:username}"}}
    assert not allowed(condition, {"s3:prefix": "alice"}, version="2008-10-17")
    assert allowed(condition, {"s3:prefix": "${aws:username}"}, version="2008-10-17")
    assert allowed(condition, {"s3:prefix": "alice"}, version="2012-10-17")


def test_ids_unique() -> None:
    assert len({c[0] for c in CASES}) == len(CASES)
