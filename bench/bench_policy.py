"""Benchmark: decisions per second for a typical S3 GetObject against five policies.

The request is an assumed-role session reading from its default location, with three identity
policies, a session policy and a permissions boundary (conditions on source IP and prefix).
Two paths are timed: ``evaluate`` on a prepared Request, and ``evaluate_json`` on an already
parsed dict (which includes the compiled-policy cache lookup). Prints one JSON line; the
figure is the median of 5 runs.

Run: ``python bench/bench_policy.py``
"""

from __future__ import annotations

import json
import statistics
import time
from typing import Any

from _common import machine

from qds_notebook.policy import Request, evaluate, evaluate_json, request_from_dict

ACCOUNT = "123456789012"
BUCKET = "acme-defloc"


def _policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


PAYLOAD: dict[str, Any] = {
    "principal": f"arn:aws:sts::{ACCOUNT}:assumed-role/alice-analyst/qds-alice",
    "action": "s3:GetObject",
    "resource": f"arn:aws:s3:::{BUCKET}/qds/tmp/2024/result.csv",
    "resource_account": ACCOUNT,
    "context": {"aws:SourceIp": "10.1.2.3", "aws:SecureTransport": True},
    "identity_policies": [
        [
            "defloc-rw",
            _policy(
                {
                    "Sid": "List",
                    "Effect": "Allow",
                    "Action": "s3:ListBucket",
                    "Resource": f"arn:aws:s3:::{BUCKET}",
                    "Condition": {"StringLike": {"s3:prefix": ["qds/*", ""]}},
                },
                {
                    "Sid": "ReadWrite",
                    "Effect": "Allow",
                    "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                    "Resource": f"arn:aws:s3:::{BUCKET}/qds/*",
                },
            ),
        ],
        [
            "list-all",
            _policy({"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}),
        ],
        [
            "deny-insecure",
            _policy(
                {
                    "Sid": "TLSOnly",
                    "Effect": "Deny",
                    "Action": "s3:*",
                    "Resource": "*",
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            ),
        ],
    ],
    "session_policy": _policy(
        {
            "Effect": "Allow",
            "Action": "s3:*",
            "Resource": f"arn:aws:s3:::{BUCKET}/*",
            "Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"]}},
        }
    ),
    "permissions_boundary": _policy(
        {"Effect": "Allow", "Action": ["s3:Get*", "s3:Put*", "s3:List*"], "Resource": "*"},
        {"Effect": "Deny", "Action": "iam:*", "Resource": "*"},
    ),
}


def _median_us(fn: Any, arg: Any, *, runs: int = 5, n: int = 20_000) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(n):
            fn(arg)
        times.append((time.perf_counter() - start) / n * 1e6)
    return statistics.median(times)


def main() -> None:
    """Time both paths and print one JSON line."""
    request: Request = request_from_dict(PAYLOAD)
    assert evaluate(request).decision == "allowed"
    assert evaluate_json(PAYLOAD)[0]["decision"] == "allowed"
    evaluate_us = _median_us(evaluate, request)
    json_us = _median_us(evaluate_json, PAYLOAD, n=5_000)
    print(
        json.dumps(
            {
                "benchmark": "policy evaluator",
                "figure": "one S3 GetObject decision against five policies, one core (median)",
                "value": round(evaluate_us, 2),
                "unit": "µs/decision",
                "target": "well under 50 µs",
                "met": evaluate_us < 50,
                "runs": 5,
                "machine": machine(),
                "details": {
                    "decisions_per_s": round(1e6 / evaluate_us),
                    "evaluate_json_us_per_decision": round(json_us, 2),
                    "evaluate_json_decisions_per_s": round(1e6 / json_us),
                    "check_evaluation_ms": round(check_evaluation_ms(), 3),
                },
            }
        )
    )


def check_evaluation_ms(runs: int = 5, n: int = 200) -> float:
    """A full check()'s evaluation: every row of a default report decided (no network).

    Uses the sandbox's account-role policies as a check would have gathered them.
    """
    import tomllib

    from qds_notebook.aws.gather import GatheredPolicies
    from qds_notebook.check import PolicyView
    from qds_notebook.config import resolve_config
    from qds_notebook.roles import resolve
    from qds_notebook.sandbox.seed import SEED, config_toml

    cfg = resolve_config(
        tomllib.loads(config_toml(endpoint_url="http://127.0.0.1:1")),
        env={},
        arguments={"user": "bob@acme.com"},
        default_user="x",
    )
    role = resolve(cfg)
    gathered = GatheredPolicies(
        identity=tuple(SEED.account_role.policies.items()),
        bucket_policies={SEED.defloc.bucket: None},
    )
    view = PolicyView(role=role, gathered=gathered, principal=role.session_arn)
    d = f"arn:aws:s3:::{SEED.defloc.bucket}"
    rows = [
        ("s3:ListBucket", d, {"s3:prefix": "qds/"}),
        ("s3:GetObject", f"{d}/qds/sales/2024.csv", {}),
        ("s3:ListBucket", d, {"s3:prefix": ""}),
        ("s3:GetObject", f"{d}/other-team/payroll.csv", {}),
        ("s3:ListBucket", d, {"s3:prefix": "other-team/"}),
        ("s3:ListBucket", "arn:aws:s3:::acme-raw", {"s3:prefix": "sales/"}),
        ("s3:GetObject", "arn:aws:s3:::acme-raw/sales/raw-2024.csv", {}),
        ("s3:PutObject", f"{d}/qds/.qds-probe/x.txt", {}),
        ("s3:DeleteObject", f"{d}/qds/.qds-probe/x.txt", {}),
    ]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(n):
            for action, resource, ctx in rows:
                view.decide(action, resource, ctx)
        times.append((time.perf_counter() - start) / n * 1000)
    return statistics.median(times)


if __name__ == "__main__":
    main()
