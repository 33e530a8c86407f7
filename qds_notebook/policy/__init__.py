"""A pure IAM policy evaluator: AWS's documented evaluation logic, stdlib only.

Build a :class:`Request` from policies checked by :func:`parse_policy`, call :func:`evaluate`
and read the :class:`Decision` (``.decision``, ``.matched``, ``.blocked_by``, ``.explain()``).
Other tools use the JSON contract, :func:`evaluate_json`. :func:`requirement` says which
action, resource and condition keys an S3 API call needs.

>>> from qds_notebook.policy import Request, evaluate, parse_policy
>>> read = parse_policy({"Version": "2012-10-17", "Statement": [{"Sid": "Read",
...     "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]},
...     name="read")
>>> evaluate(Request(principal="arn:aws:iam::123456789012:user/alice",
...     action="s3:GetObject", resource="arn:aws:s3:::b/a.csv",
...     identity_policies=[read])).explain()
'allowed by identity:read statement 0 (Sid Read)'
"""

from __future__ import annotations

from qds_notebook.policy.document import Policy, Statement, cached_policy, parse_policy
from qds_notebook.policy.evaluate import evaluate
from qds_notebook.policy.jsonapi import evaluate_json, request_from_dict
from qds_notebook.policy.model import Decision, DecisionKind, Request, StatementRef
from qds_notebook.policy.principals import Principal, parse_principal
from qds_notebook.policy.s3 import S3Requirement, requirement

__all__ = [
    "Decision",
    "DecisionKind",
    "Policy",
    "Principal",
    "Request",
    "S3Requirement",
    "Statement",
    "StatementRef",
    "cached_policy",
    "evaluate",
    "evaluate_json",
    "parse_policy",
    "parse_principal",
    "request_from_dict",
    "requirement",
]
