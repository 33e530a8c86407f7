"""Policy documents: validation and compilation into matchable statements.

``parse_policy`` checks a document against the IAM JSON grammar (Version, Id, Statement; per
statement Sid, Effect, Action/NotAction, Resource/NotResource, Principal/NotPrincipal,
Condition) and compiles every pattern once. ``cached_policy`` does the same through a bounded
cache keyed by the document's canonical JSON, so a caller that sends the same documents with
every request (the JSON contract) compiles them once.

Under ``"Version": "2008-10-17"`` or with no Version, ``${...}`` is literal text, as in IAM.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from threading import Lock
from typing import Literal

from qds_notebook.errors import PolicyError
from qds_notebook.policy.conditions import ConditionBlock, compile_conditions
from qds_notebook.policy.patterns import Context, PatternSet, compile_patterns
from qds_notebook.policy.principals import MatchKind, Principal, PrincipalMatcher, compile_principal

__all__ = ["Policy", "PolicyKind", "Statement", "cached_policy", "check_kind", "parse_policy"]

Effect = Literal["Allow", "Deny"]
PolicyKind = Literal["identity", "session", "permissions_boundary", "resource", "scp", "rcp"]

_VERSIONS = ("2012-10-17", "2008-10-17")
_DOC_KEYS = frozenset({"Version", "Id", "Statement"})
_STATEMENT_KEYS = frozenset(
    {
        "Sid",
        "Effect",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Principal",
        "NotPrincipal",
        "Condition",
    }
)
_CACHE_SIZE = 1024


@dataclass(frozen=True, slots=True)
class Statement:
    """One compiled statement; ``index`` is its position in the document's Statement list."""

    index: int
    sid: str | None
    effect: Effect
    actions: PatternSet
    not_action: bool
    resources: PatternSet
    not_resource: bool
    principals: PrincipalMatcher | None
    not_principal: bool
    conditions: ConditionBlock | None

    def principal_match(self, principal: Principal) -> MatchKind | None:
        """How the statement's Principal/NotPrincipal names the principal (None: it does not).

        A statement without either element applies to the principal it is attached to.
        NotPrincipal matches every principal it does not list; such a match is indirect.
        """
        if self.principals is None:
            return "indirect"
        kind = self.principals.match(principal)
        if self.not_principal:
            return None if kind is not None else "indirect"
        return kind

    def applies(self, action: str, resource: str, ctx: Context) -> bool:
        """Whether action (lower-cased), resource and conditions all match; not the principal."""
        if (self.actions.match(action, ctx) is True) == self.not_action:
            return False
        found = self.resources.match(resource, ctx)
        if self.not_resource:
            # An unresolvable variable in NotResource means the element does not match.
            if found is not False:
                return False
        elif found is not True:
            return False
        return self.conditions is None or self.conditions.holds(ctx)


@dataclass(frozen=True, slots=True)
class Policy:
    """A validated, compiled policy document."""

    name: str | None
    version: str | None
    id: str | None
    statements: tuple[Statement, ...]
    allows: tuple[Statement, ...]
    denies: tuple[Statement, ...]

    @property
    def has_principal(self) -> bool:
        """Whether any statement carries Principal or NotPrincipal (a resource-style policy)."""
        return any(st.principals is not None for st in self.statements)


def _strings(value: object, *, where: str, element: str) -> list[str]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(item, str) and item for item in items):
        raise PolicyError(
            f"{where}: {element} must be a non-empty string or list of strings",
            hint=f'e.g. "{element}": ["..."]',
        )
    return [str(item) for item in items]


def _one_of(raw: Mapping[str, object], first: str, second: str, *, where: str) -> str | None:
    if first in raw and second in raw:
        raise PolicyError(
            f"{where}: has both {first} and {second}", hint=f"keep only one of {first}/{second}"
        )
    return first if first in raw else second if second in raw else None


def _statement(raw: object, index: int, *, where: str, variables: bool) -> Statement:
    where = f"{where} statement {index}"
    if not isinstance(raw, Mapping):
        raise PolicyError(f"{where}: must be an object", hint="a statement is a JSON object")
    unknown = sorted(set(raw) - _STATEMENT_KEYS)
    if unknown:
        raise PolicyError(
            f"{where}: unknown element {unknown[0]!r}",
            hint="valid elements: " + ", ".join(sorted(_STATEMENT_KEYS)),
        )
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise PolicyError(
            f"{where}: unknown Effect {effect!r}", hint='Effect is "Allow" or "Deny" (case matters)'
        )
    sid = raw.get("Sid")
    if sid is not None and not isinstance(sid, str):
        raise PolicyError(f"{where}: Sid must be a string", hint='e.g. "Sid": "ReadDefloc"')
    action_key = _one_of(raw, "Action", "NotAction", where=where)
    if action_key is None:
        raise PolicyError(f"{where}: missing Action", hint="add Action or NotAction")
    actions = _strings(raw[action_key], where=where, element=action_key)
    for action in actions:
        if action != "*" and ":" not in action:
            raise PolicyError(
                f"{where}: {action_key} {action!r} is not service:action",
                hint='e.g. "s3:GetObject" or "s3:*"',
            )
    resource_key = _one_of(raw, "Resource", "NotResource", where=where)
    if resource_key is None:
        raise PolicyError(f"{where}: missing Resource", hint="add Resource or NotResource")
    resources = _strings(raw[resource_key], where=where, element=resource_key)
    principal_key = _one_of(raw, "Principal", "NotPrincipal", where=where)
    principals = None
    if principal_key is not None:
        principals = compile_principal(raw[principal_key], where=f"{where}: {principal_key}")
    conditions = None
    if "Condition" in raw:
        conditions = compile_conditions(raw["Condition"], where=where, variables=variables)
    return Statement(
        index=index,
        sid=sid,
        effect="Allow" if effect == "Allow" else "Deny",
        actions=compile_patterns(actions, fold=True, variables=False),
        not_action=action_key == "NotAction",
        resources=compile_patterns(resources, fold=False, variables=variables),
        not_resource=resource_key == "NotResource",
        principals=principals,
        not_principal=principal_key == "NotPrincipal",
        conditions=conditions,
    )


def parse_policy(doc: object, *, name: str | None = None) -> Policy:
    """Validate a policy document and compile it.

    Parameters
    ----------
    doc
        The document: a JSON object (already parsed) or its JSON text.
    name
        What decisions call the policy (e.g. ``alice-read`` for ``identity:alice-read``).

    Raises
    ------
    PolicyError
        Naming the bad element: unknown Effect, missing Action, bad condition operator...
    """
    where = f"policy {name}" if name is not None else "policy"
    if isinstance(doc, str):
        try:
            doc = json.loads(doc)
        except json.JSONDecodeError as exc:
            raise PolicyError(f"{where}: invalid JSON ({exc.msg})", hint="fix the JSON") from exc
    if not isinstance(doc, Mapping):
        raise PolicyError(f"{where}: must be a JSON object", hint='{"Statement": [...]}')
    unknown = sorted(set(doc) - _DOC_KEYS)
    if unknown:
        raise PolicyError(
            f"{where}: unknown element {unknown[0]!r}", hint="valid: Version, Id, Statement"
        )
    version = doc.get("Version")
    if version is not None and version not in _VERSIONS:
        raise PolicyError(f"{where}: unknown Version {version!r}", hint='use "2012-10-17"')
    policy_id = doc.get("Id")
    if policy_id is not None and not isinstance(policy_id, str):
        raise PolicyError(f"{where}: Id must be a string", hint="or leave it out")
    if "Statement" not in doc:
        raise PolicyError(f"{where}: missing Statement", hint='add "Statement": [...]')
    raw_statements = doc["Statement"]
    if isinstance(raw_statements, Mapping):
        raw_statements = [raw_statements]
    if not isinstance(raw_statements, list):
        raise PolicyError(f"{where}: Statement must be a list", hint="or a single object")
    variables = version == "2012-10-17"
    statements = tuple(
        _statement(raw, i, where=where, variables=variables) for i, raw in enumerate(raw_statements)
    )
    return Policy(
        name=name,
        version=version if isinstance(version, str) else None,
        id=policy_id,
        statements=statements,
        allows=tuple(st for st in statements if st.effect == "Allow"),
        denies=tuple(st for st in statements if st.effect == "Deny"),
    )


_cache: OrderedDict[tuple[str | None, str], Policy] = OrderedDict()
_cache_lock = Lock()


def cached_policy(doc: object, *, name: str | None = None) -> Policy:
    """``parse_policy`` through a bounded LRU cache keyed by the document's canonical JSON."""
    if isinstance(doc, Policy):
        return doc
    try:
        key = (name, json.dumps(doc, sort_keys=True, separators=(",", ":")))
    except (TypeError, ValueError):
        return parse_policy(doc, name=name)  # not JSON-serialisable: let validation explain
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    policy = parse_policy(doc, name=name)
    with _cache_lock:
        _cache[key] = policy
        if len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return policy


def check_kind(policy: Policy, kind: PolicyKind, *, label: str) -> None:
    """Check that a policy fits the slot it is used in.

    Identity, session, boundary and SCP statements may not name a Principal (they apply to the
    principal they are attached to); resource policies and RCPs must name one.

    Raises
    ------
    PolicyError
        A statement with or without a Principal where the other is required.
    """
    needs_principal = kind in ("resource", "rcp")
    for st in policy.statements:
        if (st.principals is not None) != needs_principal:
            what = "needs a Principal" if needs_principal else "must not have a Principal"
            raise PolicyError(
                f"{label} statement {st.index}: a {kind} policy statement {what}",
                hint="resource policies and RCPs name principals; identity-side policies do not",
            )
