"""The values of policy evaluation: what is asked (Request) and what was decided (Decision)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

from qds_notebook.errors import PolicyError
from qds_notebook.policy.document import Policy, PolicyKind, check_kind
from qds_notebook.policy.principals import parse_principal

__all__ = ["ContextValue", "Decision", "DecisionKind", "Request", "StatementRef"]

DecisionKind = Literal["allowed", "explicitDeny", "implicitDeny"]
ContextScalar: TypeAlias = str | int | float | bool
#: A context value: a scalar, or a list of scalars for a multi-valued key.
ContextValue: TypeAlias = ContextScalar | Sequence[ContextScalar]


@dataclass(frozen=True, slots=True, kw_only=True)
class Request:
    """One authorization question: may ``principal`` do ``action`` on ``resource``?

    Parameters
    ----------
    principal
        Caller ARN (``arn:aws:sts::ACCT:assumed-role/ROLE/SESSION``, a user ARN...), a service
        principal (``ec2.amazonaws.com``) or ``anonymous``.
    action
        ``service:Action``; compared case-insensitively.
    resource
        The resource ARN; compared case-sensitively.
    resource_account
        Account owning the resource; None means the principal's own account.
    context
        Request context keys (case-insensitive names); derived keys such as
        ``aws:PrincipalArn`` are added unless given here.
    identity_policies
        Policies attached to the principal; named ``identity:<name>`` or ``identity:<index>``.
    session_policy
        The session policy passed to AssumeRole, if any.
    permissions_boundary
        The documents that together form the permissions boundary, or None for no boundary.
    resource_policy
        The resource-based policy (e.g. the bucket policy), if any.
    scps, rcps
        None outside an organization; otherwise one tuple of policies per level, root first.
    """

    principal: str
    action: str
    resource: str
    resource_account: str | None = None
    context: Mapping[str, ContextValue] = field(default_factory=dict)
    identity_policies: Sequence[Policy] = ()
    session_policy: Policy | None = None
    permissions_boundary: Sequence[Policy] | None = None
    resource_policy: Policy | None = None
    scps: Sequence[Sequence[Policy]] | None = None
    rcps: Sequence[Sequence[Policy]] | None = None

    def __post_init__(self) -> None:
        # Validate early so a bad request fails at construction, not deep in evaluation.
        for name in ("principal", "action", "resource"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value:
                raise PolicyError(f"request {name} must be a non-empty string", hint=f"set {name}")
        if ":" not in self.action and self.action != "*":
            raise PolicyError(
                f"request action {self.action!r} is not service:action", hint="e.g. s3:GetObject"
            )
        parse_principal(self.principal)
        # Frozen value: coerce sequences to tuples so the request is immutable all the way.
        object.__setattr__(self, "identity_policies", tuple(self.identity_policies))
        if self.permissions_boundary is not None:
            object.__setattr__(self, "permissions_boundary", tuple(self.permissions_boundary))
        for name in ("scps", "rcps"):
            levels = getattr(self, name)
            if levels is not None:
                object.__setattr__(self, name, tuple(tuple(level) for level in levels))
        for label, kind, policy in self.labelled():
            if not isinstance(policy, Policy):
                raise PolicyError(f"{label} is not a parsed Policy", hint="use parse_policy(doc)")
            check_kind(policy, kind, label=label)

    def labelled(self) -> list[tuple[str, PolicyKind, Policy]]:
        """Every policy of the request with the name decisions use for it."""
        out: list[tuple[str, PolicyKind, Policy]] = []
        for i, policy in enumerate(self.identity_policies):
            name = policy.name if getattr(policy, "name", None) is not None else str(i)
            out.append((f"identity:{name}", "identity", policy))
        if self.session_policy is not None:
            out.append(("session", "session", self.session_policy))
        for i, policy in enumerate(self.permissions_boundary or ()):
            out.append((f"permissions_boundary:{i}", "permissions_boundary", policy))
        if self.resource_policy is not None:
            out.append(("resource", "resource", self.resource_policy))
        for kind in ("scp", "rcp"):
            levels: Sequence[Sequence[Policy]] = getattr(self, f"{kind}s") or ()
            for level, policies in enumerate(levels):
                for n, policy in enumerate(policies):
                    out.append((f"{kind}:{level}:{n}", "scp" if kind == "scp" else "rcp", policy))
        return out


@dataclass(frozen=True, slots=True)
class StatementRef:
    """A statement that took part in a decision."""

    policy: str
    statement: int
    sid: str | None

    def __str__(self) -> str:
        sid = f" (Sid {self.sid})" if self.sid else ""
        return f"{self.policy} statement {self.statement}{sid}"

    def to_dict(self) -> dict[str, object]:
        """The JSON-contract form."""
        return {"policy": self.policy, "statement": self.statement, "sid": self.sid}


@dataclass(frozen=True, slots=True, kw_only=True)
class Decision:
    """The outcome of evaluating a Request.

    ``matched`` names the deciding statements: the explicit denies, or the allows (granting
    statements first, then the boundary, session, SCP and RCP statements that let them
    through). ``blocked_by`` names, for an implicit deny, the policy types that failed to allow.
    """

    decision: DecisionKind
    matched: tuple[StatementRef, ...] = ()
    blocked_by: tuple[str, ...] = ()
    action: str = ""
    resource: str = ""

    @property
    def allowed(self) -> bool:
        """Whether the request is allowed."""
        return self.decision == "allowed"

    def to_dict(self) -> dict[str, object]:
        """The JSON-contract form: decision, matched, blocked_by."""
        return {
            "decision": self.decision,
            "matched": [ref.to_dict() for ref in self.matched],
            "blocked_by": list(self.blocked_by),
        }

    def explain(self) -> str:
        """One human sentence saying what decided."""
        if self.decision == "allowed":
            head, *rest = self.matched or (StatementRef("?", 0, None),)
            also = f" (with {', '.join(map(str, rest))})" if rest else ""
            return f"allowed by {head}{also}"
        if self.decision == "explicitDeny":
            return "explicitly denied by " + " and ".join(map(str, self.matched))
        where = " or ".join(self.blocked_by) or "any policy"
        return f"implicitly denied: no statement in {where} allows {self.action} on {self.resource}"
