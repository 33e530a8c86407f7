"""Who is asking (the request principal) and whom a Principal element names.

A request principal is an ARN (IAM user, role, assumed-role session, federated user, account
root), a service principal (``ec2.amazonaws.com``), a web-identity or SAML provider, or
``anonymous``. A Principal element matches it as the IAM element reference describes:

* ``"*"`` (or ``{"AWS": "*"}``) matches everyone;
* an account id or ``arn:aws:iam::ACCOUNT:root`` matches every principal of that account;
* a role ARN matches the role and every assumed-role session of it (role paths are not part of
  a session ARN, so the role's name and account are compared);
* user, assumed-role session and federated-user ARNs match exactly -- these are the *direct*
  grants that, within one account, a permissions boundary or session policy does not limit;
* ``{"Service": ...}`` and ``{"Federated": ...}`` match those principals by name.

Principal elements take no wildcards other than the lone ``"*"``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from qds_notebook.errors import PolicyError

__all__ = ["Principal", "PrincipalMatcher", "compile_principal", "parse_principal"]

PrincipalKind = Literal["aws", "service", "federated", "anonymous"]
#: How a Principal element matched: naming the user/session itself, or broader.
MatchKind = Literal["direct", "indirect"]

_ACCOUNT = re.compile(r"\d{12}")
_ARN = re.compile(r"arn:(aws[a-z-]*):(iam|sts)::(\d{12}):(.+)")
_FEDERATED_NAMES = frozenset(
    {
        "accounts.google.com",
        "cognito-identity.amazonaws.com",
        "graph.facebook.com",
        "www.amazon.com",
    }
)


@dataclass(frozen=True, slots=True)
class Principal:
    """The identity making a request, with the facts policies are matched on."""

    arn: str
    kind: PrincipalKind
    account: str | None = None
    role_name: str | None = None  # the role of an assumed-role session (or the role itself)
    role_arn: str | None = None
    username: str | None = None  # IAM users only, as aws:username
    resource_type: str | None = None  # "user", "role", "assumed-role", "root", ...

    @property
    def is_direct(self) -> bool:
        """Whether naming this principal's ARN in a resource policy is a *direct* grant."""
        return self.resource_type in ("user", "assumed-role", "federated-user")


@lru_cache(maxsize=1024)
def parse_principal(text: str) -> Principal:
    """Parse a request principal.

    Raises
    ------
    PolicyError
        Neither an IAM/STS ARN, a service or federated principal, nor ``anonymous``.
    """
    if text in ("anonymous", "*"):
        return Principal(text, "anonymous")
    found = _ARN.fullmatch(text)
    if found is None:
        if text in _FEDERATED_NAMES:
            return Principal(text, "federated")
        if re.fullmatch(r"[a-z0-9.-]+\.amazonaws\.com(\.cn)?", text):
            return Principal(text, "service")
        raise PolicyError(
            f"principal {text!r} is not an IAM or STS ARN",
            hint="e.g. arn:aws:sts::123456789012:assumed-role/ROLE/SESSION",
        )
    partition, service, account, rest = found.groups()
    resource_type, _, path = rest.partition("/")
    if service == "sts" and resource_type == "assumed-role":
        role_name, _, session = path.partition("/")
        if not role_name or not session:
            raise PolicyError(
                f"principal {text!r} is not a valid assumed-role ARN",
                hint="assumed-role ARNs look like ...:assumed-role/ROLE/SESSION",
            )
        role_arn = f"arn:{partition}:iam::{account}:role/{role_name}"
        return Principal(text, "aws", account, role_name, role_arn, None, "assumed-role")
    if service == "iam" and resource_type in ("saml-provider", "oidc-provider"):
        return Principal(text, "federated", account, resource_type=resource_type)
    if service == "iam" and resource_type == "role" and path:
        name = path.rsplit("/", 1)[-1]
        return Principal(text, "aws", account, name, text, None, "role")
    if service == "iam" and resource_type == "user" and path:
        return Principal(
            text, "aws", account, username=path.rsplit("/", 1)[-1], resource_type="user"
        )
    if service == "iam" and rest == "root":
        return Principal(text, "aws", account, resource_type="root")
    if service == "sts" and resource_type == "federated-user" and path:
        return Principal(text, "aws", account, resource_type="federated-user")
    raise PolicyError(
        f"principal {text!r} is not a user, role, session, federated user or root ARN",
        hint="use the caller ARN that sts:GetCallerIdentity returns",
    )


@dataclass(frozen=True, slots=True)
class PrincipalMatcher:
    """A compiled Principal (or NotPrincipal) element."""

    everyone: bool
    accounts: frozenset[str]
    roles: frozenset[tuple[str, str]]  # (account, role name)
    exact: frozenset[str]
    services: frozenset[str]
    federated: frozenset[str]

    def match(self, principal: Principal) -> MatchKind | None:
        """How the element names the principal, or None when it does not."""
        if principal.arn in self.exact:
            return "direct" if principal.is_direct else "indirect"
        if principal.kind == "service":
            return "indirect" if self.everyone or principal.arn in self.services else None
        if principal.kind == "federated":
            return "indirect" if self.everyone or principal.arn in self.federated else None
        if self.everyone:
            return "indirect"
        if principal.account is not None and principal.account in self.accounts:
            return "indirect"
        role = (principal.account, principal.role_name)
        if principal.role_name is not None and role in self.roles:
            return "indirect"
        return None


def _strings(value: object, *, where: str) -> list[str]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(item, str) and item for item in items):
        raise PolicyError(
            f"{where} must be a non-empty string or list of strings",
            hint='e.g. {"AWS": "arn:aws:iam::123456789012:root"}',
        )
    return [str(item) for item in items]


def compile_principal(element: object, *, where: str) -> PrincipalMatcher:
    """Validate and compile a Principal/NotPrincipal element.

    Raises
    ------
    PolicyError
        The element is neither ``"*"`` nor an object of AWS/Service/Federated/CanonicalUser.
    """
    if element == "*":
        return PrincipalMatcher(
            True, frozenset(), frozenset(), frozenset(), frozenset(), frozenset()
        )
    if not isinstance(element, Mapping) or not element:
        raise PolicyError(
            f'{where} must be "*" or an object such as {{"AWS": ...}}',
            hint="valid keys are AWS, Service, Federated and CanonicalUser",
        )
    everyone = False
    accounts: set[str] = set()
    roles: set[tuple[str, str]] = set()
    exact: set[str] = set()
    services: set[str] = set()
    federated: set[str] = set()
    for kind, value in element.items():
        names = _strings(value, where=f"{where}.{kind}")
        if kind == "AWS":
            for name in names:
                everyone |= name == "*"
                _add_aws(name, accounts, roles, exact, where=where)
        elif kind == "Service":
            services.update(names)
        elif kind == "Federated":
            federated.update(names)
        elif kind == "CanonicalUser":
            exact.update(names)  # canonical ids never equal an ARN: kept only for validity
        else:
            raise PolicyError(
                f"{where} has unknown principal type {kind!r}",
                hint="valid keys are AWS, Service, Federated and CanonicalUser",
            )
    return PrincipalMatcher(
        everyone,
        frozenset(accounts),
        frozenset(roles),
        frozenset(exact),
        frozenset(services),
        frozenset(federated),
    )


def _add_aws(
    name: str, accounts: set[str], roles: set[tuple[str, str]], exact: set[str], *, where: str
) -> None:
    if name == "*":
        return
    if _ACCOUNT.fullmatch(name):
        accounts.add(name)
        return
    found = _ARN.fullmatch(name)
    if found is None:
        raise PolicyError(
            f"{where}.AWS value {name!r} is not an account id or IAM/STS ARN",
            hint='wildcards are not allowed in Principal except a lone "*"',
        )
    _, service, account, rest = found.groups()
    if service == "iam" and rest == "root":
        accounts.add(account)
    elif service == "iam" and rest.startswith("role/"):
        roles.add((account, rest.rsplit("/", 1)[-1]))
        exact.add(name)
    else:
        exact.add(name)
