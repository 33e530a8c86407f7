"""Condition operators: parsing a Condition block once and testing it against a context.

Semantics follow the IAM condition-operator reference:

* every operator in a block, and every key under an operator, must be true (AND);
  the values listed for one key are alternatives (OR);
* a negated operator (``StringNotEquals``, ``NotIpAddress``, ``ArnNotLike``...) is the negation
  of its positive twin, so over several policy values it is a NOR;
* a key absent from the context makes a positive operator false and a negated one true;
  ``...IfExists`` makes either true; ``Null`` tests presence; ``ForAllValues:`` is true and
  ``ForAnyValue:`` false for an absent key or an empty set;
* a multi-valued context key under a single-valued operator matches if *any* of its values
  does (so a negated operator is true only if *none* does) -- the same rule ``ForAnyValue``
  applies to positive operators;
* a condition value holding a policy variable that cannot be resolved makes that key's test
  false, whichever the operator ("does not match").
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Literal

from qds_notebook.errors import PolicyError
from qds_notebook.policy.patterns import Context, Template, parse_template

__all__ = ["ConditionBlock", "ConditionTest", "compile_conditions", "policy_value_text"]

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


@dataclass(frozen=True, slots=True)
class _Family:
    """How one operator family prepares values and compares a context value to a policy one."""

    prep_policy: Callable[[str], Any]
    prep_context: Callable[[str], Any]
    test: Callable[[Any, Any], bool]
    # "like"/"arn" families compile the policy value as a wildcard pattern instead.
    pattern: Literal["like", "arn"] | None = None

    def prepare(self, template: Template, ctx: Context) -> Any:
        """The policy value ready for ``test``; None when unresolved or unreadable."""
        if self.pattern is not None:
            return template.regex(ctx, arn=self.pattern == "arn")
        text = template.text(ctx)
        return None if text is None else self.prep_policy(text)


def _same(value: str) -> str:
    return value


def _fold(value: str) -> str:
    return value.lower()


# Parsing (IP addresses above all) costs more than matching; requests repeat values.
@lru_cache(maxsize=4096)
def _number(value: str) -> float | None:
    return float(value) if _NUMBER.fullmatch(value.strip()) else None


@lru_cache(maxsize=4096)
def _date(value: str) -> float | None:
    text = value.strip()
    if _NUMBER.fullmatch(text):
        return float(text)  # epoch seconds
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


@lru_cache(maxsize=4096)
def _binary(value: str) -> bytes | None:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None


@lru_cache(maxsize=4096)
def _network(value: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _in_network(address: Any, network: Any) -> bool:
    return bool(address.version == network.version and address in network)


def _regex_test(context: Any, pattern: Any) -> bool:
    return pattern.fullmatch(context) is not None


def _compare(op: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    # Context on the left: NumericLessThan means "context value < policy value".
    return lambda context, policy: bool(op(context, policy))


_STRING = _Family(_same, _same, operator.eq)
_STRING_FOLD = _Family(_fold, _fold, operator.eq)
_STRING_LIKE = _Family(_same, _same, _regex_test, "like")
_BOOL = _Family(_fold, _fold, operator.eq)
_BINARY = _Family(_binary, _binary, operator.eq)
_IP = _Family(_network, _address, _in_network)
# ArnEquals and ArnLike behave alike: both match segment-wise with wildcards.
_ARN = _Family(_same, _same, _regex_test, "arn")

_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "Equals": operator.eq,
    "LessThan": operator.lt,
    "LessThanEquals": operator.le,
    "GreaterThan": operator.gt,
    "GreaterThanEquals": operator.ge,
}

#: Operator name -> (family, negated).
_OPERATORS: dict[str, tuple[_Family, bool]] = {
    "StringEquals": (_STRING, False),
    "StringNotEquals": (_STRING, True),
    "StringEqualsIgnoreCase": (_STRING_FOLD, False),
    "StringNotEqualsIgnoreCase": (_STRING_FOLD, True),
    "StringLike": (_STRING_LIKE, False),
    "StringNotLike": (_STRING_LIKE, True),
    "Bool": (_BOOL, False),
    "BinaryEquals": (_BINARY, False),
    "IpAddress": (_IP, False),
    "NotIpAddress": (_IP, True),
    "ArnEquals": (_ARN, False),
    "ArnLike": (_ARN, False),
    "ArnNotEquals": (_ARN, True),
    "ArnNotLike": (_ARN, True),
}
for _name, _op in _COMPARISONS.items():
    _OPERATORS[f"Numeric{_name}"] = (_Family(_number, _number, _compare(_op)), False)
    _OPERATORS[f"Date{_name}"] = (_Family(_date, _date, _compare(_op)), False)
_OPERATORS["NumericNotEquals"] = (_OPERATORS["NumericEquals"][0], True)
_OPERATORS["DateNotEquals"] = (_OPERATORS["DateEquals"][0], True)

SetOperator = Literal["all", "any"] | None


@dataclass(frozen=True, slots=True)
class ConditionTest:
    """One ``operator -> key -> values`` test of a Condition block."""

    operator: str
    key: str
    family: _Family | None  # None for Null
    negated: bool
    if_exists: bool
    set_op: SetOperator
    values: tuple[Any, ...]  # prepared policy values (static ones)
    templates: tuple[Template, ...]  # all values as templates, used when any is dynamic
    dynamic: bool

    def holds(self, ctx: Context) -> bool:
        """Whether this test is true for the context."""
        present = ctx.get(self.key)
        if not present:
            if self.family is None:
                return "true" in self.values
            if self.if_exists or self.set_op == "all":
                return True
            if self.set_op == "any":
                return False
            return self.negated
        if self.family is None:
            return "false" in self.values
        family = self.family
        policy_values = self.values
        if self.dynamic:
            prepared: list[Any] = []
            for template in self.templates:
                if template.resolve(ctx) is None:
                    return False
                prepared.append(family.prepare(template, ctx))
            policy_values = tuple(p for p in prepared if p is not None)
        test = family.test
        prep = family.prep_context

        def hit(raw: str) -> bool:
            value = prep(raw)
            return value is not None and any(test(value, p) for p in policy_values)

        if self.set_op is None:
            return any(hit(raw) for raw in present) != self.negated
        if self.set_op == "all":
            return all(hit(raw) != self.negated for raw in present)
        return any(hit(raw) != self.negated for raw in present)


@dataclass(frozen=True, slots=True)
class ConditionBlock:
    """A compiled Condition element: all tests must hold."""

    tests: tuple[ConditionTest, ...]

    def holds(self, ctx: Context) -> bool:
        """Whether every test holds for the context."""
        return all(test.holds(ctx) for test in self.tests)


def policy_value_text(value: object, *, where: str) -> str:
    """A condition or context scalar as IAM compares it: strings as-is, booleans lower-case."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    raise PolicyError(
        f"{where}: value {value!r} is not a string, number or boolean",
        hint="condition values are strings, numbers, booleans or lists of them",
    )


def _parse_operator(name: str, *, where: str) -> tuple[_Family | None, bool, bool, SetOperator]:
    base = name
    set_op: SetOperator = None
    if base.startswith("ForAllValues:"):
        set_op, base = "all", base[len("ForAllValues:") :]
    elif base.startswith("ForAnyValue:"):
        set_op, base = "any", base[len("ForAnyValue:") :]
    if_exists = base.endswith("IfExists") and base != "IfExists"
    if if_exists:
        base = base[: -len("IfExists")]
    if base == "Null":
        if if_exists or set_op is not None:
            raise PolicyError(
                f"{where}: condition operator {name!r} is not valid",
                hint="Null takes neither IfExists nor a ForAllValues/ForAnyValue qualifier",
            )
        return None, False, False, None
    if base not in _OPERATORS:
        raise PolicyError(
            f"{where}: unknown condition operator {name!r}",
            hint="use an IAM operator such as StringEquals, ArnLike, IpAddress or Null",
        )
    family, negated = _OPERATORS[base]
    return family, negated, if_exists, set_op


def compile_conditions(block: object, *, where: str, variables: bool) -> ConditionBlock:
    """Validate and compile a Condition element.

    Parameters
    ----------
    block
        The element's JSON value: ``{operator: {key: value-or-values}}``.
    where
        Names the statement in error messages.
    variables
        Whether condition values may hold policy variables.

    Raises
    ------
    PolicyError
        Unknown operator, malformed block, or a static value the operator cannot read.
    """
    if not isinstance(block, Mapping):
        raise PolicyError(f"{where}: Condition must be an object", hint="{operator: {key: value}}")
    tests: list[ConditionTest] = []
    for op_name, keys in block.items():
        family, negated, if_exists, set_op = _parse_operator(str(op_name), where=where)
        if not isinstance(keys, Mapping) or not keys:
            raise PolicyError(
                f"{where}: Condition operator {op_name!r} must map keys to values",
                hint='e.g. {"StringEquals": {"aws:username": "alice"}}',
            )
        for key, raw in keys.items():
            raw_values = raw if isinstance(raw, list) else [raw]
            texts = [policy_value_text(v, where=f"{where} {op_name} {key}") for v in raw_values]
            tests.append(
                _compile_test(
                    str(op_name),
                    str(key),
                    texts,
                    family,
                    negated,
                    if_exists,
                    set_op,
                    where=where,
                    variables=variables,
                )
            )
    return ConditionBlock(tuple(tests))


def _compile_test(
    name: str,
    key: str,
    texts: list[str],
    family: _Family | None,
    negated: bool,
    if_exists: bool,
    set_op: SetOperator,
    *,
    where: str,
    variables: bool,
) -> ConditionTest:
    if family is None:
        folded = tuple(t.lower() for t in texts)
        if any(t not in ("true", "false") for t in folded):
            raise PolicyError(
                f"{where}: Null on {key!r} takes true or false, not {texts!r}",
                hint='"Null": {"key": "true"} means the key is absent',
            )
        return ConditionTest(name, key.lower(), None, False, False, None, folded, (), False)
    templates = tuple(parse_template(t, variables=variables) for t in texts)
    dynamic = any(t.dynamic for t in templates)
    prepared: list[Any] = []
    if not dynamic:
        for template in templates:
            # Escapes such as ${*} resolve without a context.
            value = family.prepare(template, {})
            if family.pattern == "arn" and template.source.count(":") < 5:
                value = None
            if value is None:
                raise PolicyError(
                    f"{where}: {name} cannot use value {template.source!r} for {key!r}",
                    hint="numbers, ISO 8601 dates, CIDRs, base64 or ARNs as the operator needs",
                )
            prepared.append(value)
    return ConditionTest(
        name, key.lower(), family, negated, if_exists, set_op, tuple(prepared), templates, dynamic
    )
