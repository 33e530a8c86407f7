"""AWS's documented policy evaluation logic over one Request.

Order, as in the IAM "policy evaluation logic" pages:

1. **Explicit deny** in any policy (identity, session, boundary, resource, SCP, RCP) wins.
2. **SCPs and RCPs**, when the account is in an organization: every level, root first, must
   have an applicable Allow, else implicit deny (``blocked_by`` "scp" / "rcp").
3. **Same account** (resource account = principal account, or no resource account given):
   an Allow in the identity policies *or* the resource policy suffices. Identity allows are
   intersected with the permissions boundary and the session policy when present. A resource
   policy Allow that names the IAM user or the role *session* ARN directly is not limited by
   the boundary or session policy; one naming the role ARN, the account or ``*`` is.
4. **Cross account**: the identity side (intersected as above) *and* the resource policy must
   both allow.

``blocked_by`` lists the policy types that would have to change for the request to be allowed,
in the order scp, rcp, identity, resource, permissions_boundary, session.
"""

from __future__ import annotations

from collections.abc import Sequence

from qds_notebook.errors import PolicyError
from qds_notebook.policy.conditions import policy_value_text
from qds_notebook.policy.document import Policy
from qds_notebook.policy.model import ContextValue, Decision, Request, StatementRef
from qds_notebook.policy.patterns import Context
from qds_notebook.policy.principals import Principal, parse_principal

__all__ = ["build_context", "evaluate"]

_ORDER = ("scp", "rcp", "identity", "resource", "permissions_boundary", "session")
_PRINCIPAL_TYPES = {
    "root": "Account",
    "user": "User",
    "role": "AssumedRole",
    "assumed-role": "AssumedRole",
    "federated-user": "FederatedUser",
}


def _context_values(key: str, value: ContextValue) -> tuple[str, ...]:
    where = f"context key {key!r}"
    if isinstance(value, list | tuple):
        return tuple(policy_value_text(item, where=where) for item in value)
    return (policy_value_text(value, where=where),)


def build_context(request: Request, principal: Principal) -> dict[str, tuple[str, ...]]:
    """The evaluation context: derived principal keys, overridden by the caller's keys.

    Derived: ``aws:PrincipalArn`` (the role ARN for a role session, without a path, which a
    session ARN does not carry), ``aws:PrincipalAccount``, ``aws:PrincipalType``,
    ``aws:username`` (IAM users), ``aws:userid`` (account root), ``aws:ResourceAccount``.
    Keys are lower-cased because IAM condition key names are case-insensitive.
    """
    ctx: dict[str, tuple[str, ...]] = {}
    if principal.kind == "aws" and principal.account is not None:
        is_session = principal.resource_type == "assumed-role"
        arn = principal.role_arn if is_session and principal.role_arn else principal.arn
        ctx["aws:principalarn"] = (arn,)
        ctx["aws:principalaccount"] = (principal.account,)
        kind = _PRINCIPAL_TYPES.get(principal.resource_type or "")
        if kind is not None:
            ctx["aws:principaltype"] = (kind,)
        if principal.username is not None:
            ctx["aws:username"] = (principal.username,)
        if principal.resource_type == "root":
            ctx["aws:userid"] = (principal.account,)
    elif principal.kind == "anonymous":
        ctx["aws:principaltype"] = ("Anonymous",)
    if request.resource_account is not None:
        ctx["aws:resourceaccount"] = (request.resource_account,)
    for key, value in request.context.items():
        if value is None:
            continue  # JSON null: the key is absent
        if isinstance(value, dict):
            raise PolicyError(
                f"context key {key!r} has an object value",
                hint="context values are strings, numbers, booleans or lists of them",
            )
        ctx[key.lower()] = _context_values(key, value)
    return ctx


def _allows(
    label: str, policy: Policy, action: str, resource: str, principal: Principal, ctx: Context
) -> tuple[list[StatementRef], bool]:
    """Allow statements of one policy that apply, and whether one names the principal directly."""
    refs: list[StatementRef] = []
    direct = False
    for st in policy.allows:
        kind = st.principal_match(principal)
        if kind is not None and st.applies(action, resource, ctx):
            refs.append(StatementRef(label, st.index, st.sid))
            direct |= kind == "direct"
    return refs, direct


def _levels(
    kind: str,
    levels: Sequence[Sequence[Policy]] | None,
    action: str,
    resource: str,
    principal: Principal,
    ctx: Context,
) -> tuple[bool, list[StatementRef]]:
    """Whether every organization level allows, with the allowing statements."""
    if levels is None:
        return True, []
    ok = True
    refs: list[StatementRef] = []
    for level, policies in enumerate(levels):
        level_refs: list[StatementRef] = []
        for n, policy in enumerate(policies):
            level_refs += _allows(f"{kind}:{level}:{n}", policy, action, resource, principal, ctx)[
                0
            ]
        ok &= bool(level_refs)
        refs += level_refs
    return ok, refs


def evaluate(request: Request) -> Decision:
    """Decide a request the way AWS does.

    Parameters
    ----------
    request
        The principal, action, resource, context and every policy that applies.

    Returns
    -------
    Decision
        ``allowed``, ``explicitDeny`` or ``implicitDeny``, naming what decided.

    Raises
    ------
    PolicyError
        A context value that is not a string, number, boolean or list of them.
    """
    principal = parse_principal(request.principal)
    action = request.action.lower()
    resource = request.resource
    ctx = build_context(request, principal)
    labelled = request.labelled()

    denies = [
        StatementRef(label, st.index, st.sid)
        for label, _, policy in labelled
        for st in policy.denies
        if st.principal_match(principal) is not None and st.applies(action, resource, ctx)
    ]
    if denies:
        return Decision(
            decision="explicitDeny", matched=tuple(denies), action=request.action, resource=resource
        )

    scp_ok, scp_refs = _levels("scp", request.scps, action, resource, principal, ctx)
    rcp_ok, rcp_refs = _levels("rcp", request.rcps, action, resource, principal, ctx)
    identity: list[StatementRef] = []
    boundary: list[StatementRef] = []
    session: list[StatementRef] = []
    resource_refs: list[StatementRef] = []
    direct = False
    for label, kind, policy in labelled:
        if kind == "identity":
            identity += _allows(label, policy, action, resource, principal, ctx)[0]
        elif kind == "permissions_boundary":
            boundary += _allows(label, policy, action, resource, principal, ctx)[0]
        elif kind == "session":
            session += _allows(label, policy, action, resource, principal, ctx)[0]
        elif kind == "resource":
            resource_refs, direct = _allows(label, policy, action, resource, principal, ctx)

    # The boundary and session policy cap the identity side (and indirect resource grants).
    limits_failed = []
    if request.permissions_boundary is not None and not boundary:
        limits_failed.append("permissions_boundary")
    if request.session_policy is not None and not session:
        limits_failed.append("session")
    limit_refs = boundary + session

    same_account = request.resource_account in (None, principal.account)
    granted: list[StatementRef] = []
    blocked: list[str] = []
    if same_account:
        if identity and not limits_failed:
            granted = identity + resource_refs + limit_refs
        elif resource_refs and (direct or not limits_failed):
            granted = resource_refs + ([] if limits_failed else limit_refs)
        elif resource_refs:
            blocked = list(limits_failed)
        else:
            blocked = (["identity"] if not identity else []) + limits_failed
            if request.resource_policy is not None:
                blocked.append("resource")
    else:
        if identity and not limits_failed and resource_refs:
            granted = identity + resource_refs + limit_refs
        else:
            blocked = (["identity"] if not identity else []) + limits_failed
            if not resource_refs:
                blocked.append("resource")

    if not scp_ok:
        blocked.append("scp")
    if not rcp_ok:
        blocked.append("rcp")
    if blocked or not granted:
        ordered = tuple(kind for kind in _ORDER if kind in blocked)
        return Decision(
            decision="implicitDeny", blocked_by=ordered, action=request.action, resource=resource
        )
    return Decision(
        decision="allowed",
        matched=tuple(granted + scp_refs + rcp_refs),
        action=request.action,
        resource=resource,
    )
