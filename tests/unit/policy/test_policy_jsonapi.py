"""The JSON contract (evaluate_json), cli.run, and Decision.to_dict/explain."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from qds_notebook.errors import PolicyError
from qds_notebook.policy import Decision, StatementRef, evaluate_json
from qds_notebook.policy.cli import run

ACCT = "123456789012"
SESSION = f"arn:aws:sts::{ACCT}:assumed-role/alice-analyst/qds-alice"
READ = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "ReadDefloc",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::acme-defloc/qds/*",
        }
    ],
}


def req(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "principal": SESSION,
        "action": "s3:GetObject",
        "resource": "arn:aws:s3:::acme-defloc/qds/a.csv",
        "resource_account": ACCT,
        "context": {"aws:SourceIp": "10.1.2.3", "s3:prefix": ["qds/"]},
        "identity_policies": [["alice-read", READ]],
        "session_policy": None,
        "permissions_boundary": None,
        "resource_policy": None,
        "scps": None,
        "rcps": None,
    }
    base.update(fields)
    return base


def test_contract_example_allowed() -> None:
    assert evaluate_json(json.dumps(req())) == [
        {
            "decision": "allowed",
            "matched": [{"policy": "identity:alice-read", "statement": 0, "sid": "ReadDefloc"}],
            "blocked_by": [],
        }
    ]


def test_single_object_gives_list_of_one() -> None:
    assert len(evaluate_json(req())) == 1


def test_batch_keeps_order() -> None:
    batch = [req(action="s3:PutObject"), req(), req(identity_policies=[])]
    results = evaluate_json(json.dumps(batch))
    assert [r["decision"] for r in results] == ["implicitDeny", "allowed", "implicitDeny"]


def test_bytes_payload() -> None:
    assert evaluate_json(json.dumps(req()).encode())[0]["decision"] == "allowed"


MALFORMED: list[tuple[str, Any, str]] = [
    ("not-object", 42, "request must be a JSON object"),
    ("missing-principal", {k: v for k, v in req().items() if k != "principal"}, "principal"),
    ("missing-action", req(action=None), "action"),
    ("unknown-key", req(identity_policy=[]), "unknown key 'identity_policy'"),
    ("bad-principal", req(principal="alice"), "not an IAM or STS ARN"),
    (
        "bad-policy",
        req(identity_policies=[{"Statement": [{"Effect": "Maybe"}]}]),
        "identity_policies[0]",
    ),
    ("bad-pair", req(identity_policies=[["a", READ, "extra"]]), "[name, document] pair"),
    ("identity-not-list", req(identity_policies=READ), "identity_policies must be a list"),
    ("context-not-object", req(context=["x"]), "context must be an object"),
    ("context-object-value", req(context={"k": {"a": 1}}), "object value"),
    ("scps-not-list", req(scps=READ), "scps must be null or a list"),
    ("session-not-object", req(session_policy="x"), "session_policy must be a policy"),
]


@pytest.mark.parametrize(
    ("request_obj", "message"), [c[1:] for c in MALFORMED], ids=[c[0] for c in MALFORMED]
)
def test_malformed_request_is_error_entry(request_obj: Any, message: str) -> None:
    results = evaluate_json([req(), request_obj, req()])
    assert results[0]["decision"] == "allowed" and results[2]["decision"] == "allowed"
    assert set(results[1]) == {"error"}
    error = results[1]["error"]
    assert isinstance(error, str) and message in error and "\n" not in error


def test_invalid_json_raises_policy_error() -> None:
    with pytest.raises(PolicyError, match="not valid JSON"):
        evaluate_json("[{")


def test_scalar_payload_raises_policy_error() -> None:
    with pytest.raises(PolicyError, match="request object or an array"):
        evaluate_json("3")


def test_boundary_accepts_single_doc_or_list() -> None:
    one = evaluate_json(req(permissions_boundary=READ))[0]
    many = evaluate_json(req(permissions_boundary=[READ]))[0]
    assert one == many
    assert one["matched"][-1]["policy"] == "permissions_boundary:0"


def test_same_documents_compiled_once() -> None:
    from qds_notebook.policy import document

    evaluate_json(req())
    size = len(document._cache)
    evaluate_json([req(), req()])
    assert len(document._cache) == size


def run_cli(argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(argv, stdin=io.StringIO(stdin), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_cli_stdin() -> None:
    code, out, err = run_cli(["evaluate", "-"], json.dumps([req(), req(action="s3:PutObject")]))
    assert code == 0 and err == ""
    assert [r["decision"] for r in json.loads(out)] == ["allowed", "implicitDeny"]


def test_cli_file(tmp_path: Path) -> None:
    path = tmp_path / "requests.json"
    path.write_text(json.dumps(req()), encoding="utf-8")
    code, out, _ = run_cli(["evaluate", str(path)])
    assert code == 0 and json.loads(out)[0]["decision"] == "allowed"


def test_cli_missing_file(tmp_path: Path) -> None:
    code, out, err = run_cli(["evaluate", str(tmp_path / "nope.json")])
    assert code == 2 and out == ""
    assert "cannot read" in err and err.count("\n") == 1


def test_cli_invalid_json() -> None:
    code, out, err = run_cli(["evaluate", "-"], "{oops")
    assert code == 2 and out == "" and "not valid JSON" in err and err.count("\n") == 1


def test_cli_malformed_request_is_entry_not_failure() -> None:
    code, out, _ = run_cli(["evaluate", "-"], json.dumps([{"principal": "x"}]))
    assert code == 0 and "error" in json.loads(out)[0]


@pytest.mark.parametrize("argv", [[], ["evaluate"], ["check", "-"], ["evaluate", "a", "b"]])
def test_cli_usage(argv: list[str]) -> None:
    code, _, err = run_cli(argv)
    assert code == 2 and err.startswith("usage:")


EXPLAIN: list[tuple[str, Decision, str]] = [
    (
        "allowed",
        Decision(
            decision="allowed", matched=(StatementRef("identity:alice-read", 0, "ReadDefloc"),)
        ),
        "allowed by identity:alice-read statement 0 (Sid ReadDefloc)",
    ),
    (
        "allowed-with-limits",
        Decision(
            decision="allowed",
            matched=(StatementRef("identity:0", 1, None), StatementRef("session", 0, None)),
        ),
        "allowed by identity:0 statement 1 (with session statement 0)",
    ),
    (
        "explicit",
        Decision(decision="explicitDeny", matched=(StatementRef("scp:0:1", 2, "NoS3"),)),
        "explicitly denied by scp:0:1 statement 2 (Sid NoS3)",
    ),
    (
        "implicit",
        Decision(
            decision="implicitDeny",
            blocked_by=("session",),
            action="s3:PutObject",
            resource="arn:aws:s3:::b/k",
        ),
        "implicitly denied: no statement in session allows s3:PutObject on arn:aws:s3:::b/k",
    ),
    (
        "implicit-two",
        Decision(
            decision="implicitDeny",
            blocked_by=("identity", "resource"),
            action="s3:GetObject",
            resource="arn:aws:s3:::b/k",
        ),
        "implicitly denied: no statement in identity or resource allows s3:GetObject on "
        "arn:aws:s3:::b/k",
    ),
]


@pytest.mark.parametrize(
    ("decision", "sentence"), [c[1:] for c in EXPLAIN], ids=[c[0] for c in EXPLAIN]
)
def test_explain(decision: Decision, sentence: str) -> None:
    assert decision.explain() == sentence


def test_to_dict_keys_exact() -> None:
    d = Decision(decision="implicitDeny", blocked_by=("scp",))
    assert d.to_dict() == {"decision": "implicitDeny", "matched": [], "blocked_by": ["scp"]}
    assert not d.allowed
