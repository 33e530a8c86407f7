"""The JSON contract other tools call: requests in, decisions out, one entry per request.

Request object (every key but principal, action and resource optional)::

    {"principal": "arn:aws:sts::123456789012:assumed-role/alice-analyst/qds-alice",
     "action": "s3:GetObject", "resource": "arn:aws:s3:::acme-defloc/qds/a.csv",
     "resource_account": "123456789012", "context": {"aws:SourceIp": "10.1.2.3"},
     "identity_policies": [doc, ["name", doc], ...], "session_policy": doc | null,
     "permissions_boundary": doc | [doc, ...] | null, "resource_policy": doc | null,
     "scps": [[doc, ...], ...] | null, "rcps": [[doc, ...], ...] | null}

Result: ``{"decision": ..., "matched": [{"policy", "statement", "sid"}], "blocked_by": [...]}``,
or ``{"error": "one-line message"}`` for a malformed request; one bad request never fails the
batch.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from qds_notebook.errors import PolicyError
from qds_notebook.policy.document import Policy, cached_policy
from qds_notebook.policy.evaluate import evaluate
from qds_notebook.policy.model import Request

__all__ = ["evaluate_json", "request_from_dict"]

_KEYS = frozenset(
    {
        "principal",
        "action",
        "resource",
        "resource_account",
        "context",
        "identity_policies",
        "session_policy",
        "permissions_boundary",
        "resource_policy",
        "scps",
        "rcps",
    }
)


def _doc(value: object, *, where: str, name: str | None = None) -> Policy:
    if not isinstance(value, Mapping):
        raise PolicyError(f"{where} must be a policy document object", hint='{"Statement": [...]}')
    try:
        return cached_policy(value, name=name)
    except PolicyError as exc:
        raise PolicyError(f"{where}: {exc.message}", hint=exc.hint) from exc


def _identity(value: object) -> list[Policy]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise PolicyError("identity_policies must be a list", hint="[doc, [name, doc], ...]")
    out = []
    for i, item in enumerate(value):
        where = f"identity_policies[{i}]"
        if isinstance(item, list):
            if len(item) != 2 or not isinstance(item[0], str):
                raise PolicyError(
                    f"{where} must be a document or a [name, document] pair",
                    hint='e.g. ["alice-read", {"Statement": [...]}]',
                )
            out.append(_doc(item[1], where=where, name=item[0]))
        else:
            out.append(_doc(item, where=where))
    return out


def _levels(value: object, *, field: str) -> list[list[Policy]] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise PolicyError(
            f"{field} must be null or a list of levels",
            hint="one list of documents per level, root first",
        )
    levels = []
    for level, docs in enumerate(value):
        # A level given as one document is read as a level holding that document.
        items = docs if isinstance(docs, list) else [docs]
        levels.append([_doc(d, where=f"{field}[{level}][{n}]") for n, d in enumerate(items)])
    return levels


def _text(obj: Mapping[str, Any], key: str, *, required: bool) -> str | None:
    value = obj.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise PolicyError(f"request {key} must be a non-empty string", hint=f"set {key!r}")
    return value


def request_from_dict(obj: object) -> Request:
    """Build a Request from one JSON-contract request object.

    Raises
    ------
    PolicyError
        Unknown keys, wrong types, or an invalid policy document (named by its position).
    """
    if not isinstance(obj, Mapping):
        raise PolicyError("request must be a JSON object", hint="see the policy JSON contract")
    unknown = sorted(set(obj) - _KEYS)
    if unknown:
        raise PolicyError(
            f"request has unknown key {unknown[0]!r}",
            hint="valid keys: " + ", ".join(sorted(_KEYS)),
        )
    context = obj.get("context") or {}
    if not isinstance(context, Mapping):
        raise PolicyError("request context must be an object", hint='{"aws:SourceIp": "..."}')
    boundary = obj.get("permissions_boundary")
    boundary_docs = None
    if boundary is not None:
        items = boundary if isinstance(boundary, list) else [boundary]
        boundary_docs = [_doc(d, where=f"permissions_boundary[{n}]") for n, d in enumerate(items)]
    session = obj.get("session_policy")
    resource_policy = obj.get("resource_policy")
    return Request(
        principal=_text(obj, "principal", required=True) or "",
        action=_text(obj, "action", required=True) or "",
        resource=_text(obj, "resource", required=True) or "",
        resource_account=_text(obj, "resource_account", required=False),
        context=dict(context),
        identity_policies=_identity(obj.get("identity_policies")),
        session_policy=None if session is None else _doc(session, where="session_policy"),
        permissions_boundary=boundary_docs,
        resource_policy=(
            None if resource_policy is None else _doc(resource_policy, where="resource_policy")
        ),
        scps=_levels(obj.get("scps"), field="scps"),
        rcps=_levels(obj.get("rcps"), field="rcps"),
    )


def _one(obj: object) -> dict[str, object]:
    try:
        return evaluate(request_from_dict(obj)).to_dict()
    except PolicyError as exc:
        return {"error": exc.one_line()}
    except Exception as exc:  # the contract: one bad request never fails the batch
        return {"error": " ".join(f"internal error: {type(exc).__name__}: {exc}".split())}


def evaluate_json(payload: str | bytes | object) -> list[dict[str, object]]:
    """Evaluate one request object or an array of them.

    Parameters
    ----------
    payload
        JSON text, or the already-parsed object or list.

    Returns
    -------
    list of dict
        One result per request, in order: a decision dict or ``{"error": message}``.

    Raises
    ------
    PolicyError
        The payload is not valid JSON, or is neither an object nor an array.
    """
    data: object = payload
    if isinstance(payload, str | bytes | bytearray):
        try:
            data = json.loads(payload)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise PolicyError(
                f"payload is not valid JSON ({exc})",
                hint="send a request object or an array of them",
            ) from exc
    if isinstance(data, Mapping):
        return [_one(data)]
    if isinstance(data, list):
        return [_one(item) for item in data]
    raise PolicyError(
        "payload must be a request object or an array of them", hint="see the policy JSON contract"
    )
