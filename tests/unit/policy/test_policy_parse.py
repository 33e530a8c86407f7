"""parse_policy validation and principal parsing: every malformed element is a PolicyError
that names it."""

from __future__ import annotations

from typing import Any

import pytest

from qds_notebook.errors import PolicyError
from qds_notebook.policy import Request, parse_policy, parse_principal


def with_statement(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    base.update(fields)
    return {
        "Version": "2012-10-17",
        "Statement": [{k: v for k, v in base.items() if v is not None}],
    }


BAD: list[tuple[str, Any, str]] = [
    ("not-an-object", ["Statement"], "must be a JSON object"),
    ("invalid-json-text", "{not json", "invalid JSON"),
    ("unknown-top-level", {"Statement": [], "Versoin": "2012-10-17"}, "unknown element 'Versoin'"),
    ("unknown-version", {"Version": "2020-01-01", "Statement": []}, "unknown Version"),
    ("missing-statement", {"Version": "2012-10-17"}, "missing Statement"),
    ("statement-not-list", {"Statement": "x"}, "Statement must be a list"),
    ("statement-not-object", {"Statement": ["x"]}, "statement 0: must be an object"),
    ("unknown-effect", with_statement(Effect="allow"), "unknown Effect 'allow'"),
    ("missing-effect", with_statement(Effect=None), "unknown Effect None"),
    ("missing-action", with_statement(Action=None), "missing Action"),
    ("action-and-notaction", with_statement(NotAction="s3:*"), "both Action and NotAction"),
    ("action-no-service", with_statement(Action="GetObject"), "not service:action"),
    ("action-empty-list", with_statement(Action=[]), "non-empty string or list"),
    ("action-not-string", with_statement(Action=[1]), "non-empty string or list"),
    ("missing-resource", with_statement(Resource=None), "missing Resource"),
    ("resource-and-notresource", with_statement(NotResource="*"), "both Resource and NotResource"),
    ("unknown-statement-element", with_statement(Actions="s3:*"), "unknown element 'Actions'"),
    ("sid-not-string", with_statement(Sid=3), "Sid must be a string"),
    (
        "bad-condition-operator",
        with_statement(Condition={"StringEqual": {"k": "v"}}),
        "unknown condition operator 'StringEqual'",
    ),
    ("condition-not-object", with_statement(Condition=["x"]), "Condition must be an object"),
    (
        "condition-operator-not-object",
        with_statement(Condition={"StringEquals": "v"}),
        "must map keys to values",
    ),
    (
        "condition-value-object",
        with_statement(Condition={"StringEquals": {"k": {"a": 1}}}),
        "is not a string, number or boolean",
    ),
    (
        "numeric-bad-value",
        with_statement(Condition={"NumericLessThan": {"s3:max-keys": "ten"}}),
        "NumericLessThan cannot use value 'ten'",
    ),
    (
        "date-bad-value",
        with_statement(Condition={"DateLessThan": {"aws:CurrentTime": "soon"}}),
        "DateLessThan cannot use value",
    ),
    (
        "ip-bad-value",
        with_statement(Condition={"IpAddress": {"aws:SourceIp": "10.0.0.300/8"}}),
        "IpAddress cannot use value",
    ),
    (
        "binary-bad-value",
        with_statement(Condition={"BinaryEquals": {"k": "***"}}),
        "BinaryEquals cannot use value",
    ),
    (
        "arn-bad-value",
        with_statement(Condition={"ArnLike": {"aws:SourceArn": "topic"}}),
        "ArnLike cannot use value",
    ),
    ("null-bad-value", with_statement(Condition={"Null": {"k": "maybe"}}), "takes true or false"),
    ("null-ifexists", with_statement(Condition={"NullIfExists": {"k": "true"}}), "not valid"),
    (
        "forallvalues-null",
        with_statement(Condition={"ForAllValues:Null": {"k": "true"}}),
        "not valid",
    ),
    (
        "bad-set-qualifier",
        with_statement(Condition={"ForSomeValues:StringEquals": {"k": "v"}}),
        "unknown condition operator",
    ),
    (
        "bad-variable-syntax",
        with_statement(Resource="arn:aws:s3:::b/${aws:username,anon}"),
        "policy variable",
    ),
    ("principal-bad-type", with_statement(Principal={"User": "x"}), "unknown principal type"),
    (
        "principal-not-star-string",
        with_statement(Principal="arn:aws:iam::1:root"),
        'must be "*" or an object',
    ),
    (
        "principal-partial-wildcard",
        with_statement(Principal={"AWS": "arn:aws:iam::*:root"}),
        "not an account id or IAM/STS ARN",
    ),
    (
        "principal-and-notprincipal",
        with_statement(Principal="*", NotPrincipal="*"),
        "both Principal and NotPrincipal",
    ),
]


@pytest.mark.parametrize(("doc", "message"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_policy(doc: Any, message: str) -> None:
    with pytest.raises(PolicyError) as info:
        parse_policy(doc, name="p")
    assert message in str(info.value)
    assert "\n" not in str(info.value)
    assert info.value.hint


def test_error_names_policy_and_statement() -> None:
    doc = {"Statement": [with_statement()["Statement"][0], {"Effect": "Permit"}]}
    with pytest.raises(PolicyError, match=r"policy alice-read statement 1: unknown Effect"):
        parse_policy(doc, name="alice-read")


def test_policy_error_is_value_error() -> None:
    with pytest.raises(ValueError):
        parse_policy({"Statement": [{"Effect": "Allow"}]})


GOOD: list[tuple[str, Any]] = [
    ("single-statement-object", {"Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"}}),
    ("version-2008", {"Version": "2008-10-17", "Statement": []}),
    ("json-text", '{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'),
    (
        "every-operator",
        with_statement(
            Condition={
                "StringEqualsIgnoreCase": {"a": "x"},
                "ForAnyValue:StringLikeIfExists": {"b": "x*"},
                "NumericLessThanEquals": {"c": 3},
                "DateGreaterThan": {"d": "2024-01-01T00:00:00Z"},
                "Bool": {"e": True},
                "BinaryEquals": {"f": "QUJD"},
                "NotIpAddress": {"g": "::1"},
                "ArnNotLike": {"h": "arn:aws:*:*:*:*"},
                "Null": {"i": "false"},
            }
        ),
    ),
    (
        "principal-kinds",
        with_statement(
            Principal={
                "AWS": ["111122223333", "arn:aws:iam::111122223333:role/r"],
                "Service": "s3.amazonaws.com",
                "Federated": "accounts.google.com",
                "CanonicalUser": "79a59df9",
            }
        ),
    ),
]


@pytest.mark.parametrize("doc", [c[1] for c in GOOD], ids=[c[0] for c in GOOD])
def test_good_policy(doc: Any) -> None:
    policy = parse_policy(doc)
    assert len(policy.allows) + len(policy.denies) == len(policy.statements)


BAD_PRINCIPALS = [
    "alice",
    "arn:aws:s3:::bucket",
    "arn:aws:sts::111122223333:assumed-role/only",
    "arn:aws:iam::111122223333:group/g",
    "",
]


@pytest.mark.parametrize("text", BAD_PRINCIPALS)
def test_bad_request_principal(text: str) -> None:
    with pytest.raises(PolicyError):
        Request(principal=text, action="s3:GetObject", resource="*")


def test_parse_principal_session() -> None:
    p = parse_principal("arn:aws:sts::111122223333:assumed-role/analyst/alice")
    assert (p.account, p.role_name, p.role_arn) == (
        "111122223333",
        "analyst",
        "arn:aws:iam::111122223333:role/analyst",
    )


def test_identity_policy_with_principal_rejected() -> None:
    policy = parse_policy(with_statement(Principal="*"))
    with pytest.raises(PolicyError, match=r"identity:0 statement 0: .* must not have a Principal"):
        Request(
            principal="arn:aws:iam::111122223333:user/a",
            action="s3:GetObject",
            resource="*",
            identity_policies=[policy],
        )


def test_resource_policy_without_principal_rejected() -> None:
    with pytest.raises(PolicyError, match="needs a Principal"):
        Request(
            principal="arn:aws:iam::111122223333:user/a",
            action="s3:GetObject",
            resource="*",
            resource_policy=parse_policy(with_statement()),
        )


def test_request_action_validated() -> None:
    with pytest.raises(PolicyError, match="not service:action"):
        Request(principal="arn:aws:iam::111122223333:user/a", action="GetObject", resource="*")


def test_request_is_frozen_with_tuples() -> None:
    request = Request(
        principal="arn:aws:iam::111122223333:user/a",
        action="s3:GetObject",
        resource="*",
        identity_policies=[parse_policy(with_statement())],
    )
    assert isinstance(request.identity_policies, tuple)
    with pytest.raises(AttributeError):
        request.action = "s3:PutObject"  # type: ignore[misc]
