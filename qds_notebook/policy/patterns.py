"""Wildcard patterns and policy-variable templates, compiled once per policy.

IAM matches ``*`` (any run of characters, none included) and ``?`` (exactly one character);
every other character, ``.`` included, is literal. Actions compare case-insensitively (the
caller folds both sides), resources and ARNs case-sensitively.

Policy variables (``${aws:username}``, ``${aws:PrincipalTag/team, 'none'}``) are substituted
from the request context at evaluation time. A substituted value is literal text, never a
wildcard; ``${*}``, ``${?}`` and ``${$}`` stand for a literal ``*``, ``?`` and ``$``. A variable
whose key is absent (or multi-valued) and has no default cannot be resolved: the pattern or
value holding it matches nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, TypeAlias

from qds_notebook.errors import PolicyError

__all__ = [
    "Context",
    "PatternSet",
    "Piece",
    "Template",
    "compile_patterns",
    "parse_template",
    "wildcard_regex",
]

#: The evaluation context: lower-cased key -> its values (a single-valued key has one).
Context: TypeAlias = Mapping[str, tuple[str, ...]]

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
# Key, then optionally ", 'default'" where '' inside the quotes is one quote character.
_VARIABLE_BODY = re.compile(r"\s*([^\s,']+)\s*(?:,\s*'((?:[^']|'')*)'\s*)?")
_ESCAPES = {"*": "*", "?": "?", "$": "$"}


def wildcard_regex(text: str, *, segment: bool = False) -> str:
    """Translate IAM wildcard text into a regular expression source.

    Parameters
    ----------
    text
        Pattern text where ``*`` and ``?`` are wildcards.
    segment
        When true the wildcards stay inside one colon-delimited ARN segment.
    """
    many, one = ("[^:]*", "[^:]") if segment else (".*", ".")
    out = []
    for char in text:
        if char == "*":
            out.append(many)
        elif char == "?":
            out.append(one)
        else:
            out.append(re.escape(char))
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Piece:
    """One piece of a template: wildcard-capable text, literal text, or a variable."""

    kind: Literal["text", "literal", "variable"]
    text: str
    default: str | None = None


@dataclass(frozen=True, slots=True)
class Template:
    """A pattern or condition value, possibly holding policy variables."""

    source: str
    pieces: tuple[Piece, ...]

    @property
    def dynamic(self) -> bool:
        """Whether the template needs the request context to be resolved."""
        return any(piece.kind == "variable" for piece in self.pieces)

    def resolve(self, ctx: Context) -> tuple[tuple[str, bool], ...] | None:
        """Substitute variables: ``(text, wildcards_allowed)`` pairs, or None if unresolved."""
        out: list[tuple[str, bool]] = []
        for piece in self.pieces:
            if piece.kind == "text":
                out.append((piece.text, True))
            elif piece.kind == "literal":
                out.append((piece.text, False))
            else:
                values = ctx.get(piece.text)
                # AWS resolves only single-valued keys; a multi-valued one is "no value".
                if values is not None and len(values) == 1:
                    out.append((values[0], False))
                elif piece.default is not None:
                    out.append((piece.default, False))
                else:
                    return None
        return tuple(out)

    def text(self, ctx: Context) -> str | None:
        """The substituted text with wildcards left as plain characters, or None."""
        resolved = self.resolve(ctx)
        return None if resolved is None else "".join(text for text, _ in resolved)

    def regex(self, ctx: Context, *, arn: bool = False) -> re.Pattern[str] | None:
        """The substituted pattern compiled to a regex, or None if unresolved."""
        resolved = self.resolve(ctx)
        return None if resolved is None else _compile_resolved(resolved, arn)


def parse_template(text: str, *, variables: bool) -> Template:
    """Split ``text`` into pieces, recognising ``${...}`` only when ``variables`` is true.

    Raises
    ------
    PolicyError
        A ``${...}`` whose content is neither a key, a key with a quoted default, nor an escape.
    """
    if not variables or "${" not in text:
        return Template(text, (Piece("text", text),))
    pieces: list[Piece] = []
    pos = 0
    for found in _VARIABLE.finditer(text):
        if found.start() > pos:
            pieces.append(Piece("text", text[pos : found.start()]))
        body = found.group(1)
        if body in _ESCAPES:
            pieces.append(Piece("literal", _ESCAPES[body]))
        else:
            parsed = _VARIABLE_BODY.fullmatch(body)
            if parsed is None:
                raise PolicyError(
                    f"policy variable {found.group(0)!r} is malformed",
                    hint="write ${key} or ${key, 'default'}",
                )
            default = parsed.group(2)
            pieces.append(
                Piece(
                    "variable",
                    parsed.group(1).lower(),
                    None if default is None else default.replace("''", "'"),
                )
            )
        pos = found.end()
    if pos < len(text):
        pieces.append(Piece("text", text[pos:]))
    return Template(text, tuple(pieces))


def _source(resolved: tuple[tuple[str, bool], ...]) -> str:
    return "".join(wildcard_regex(t) if wild else re.escape(t) for t, wild in resolved)


@lru_cache(maxsize=4096)
def _compile_resolved(resolved: tuple[tuple[str, bool], ...], arn: bool) -> re.Pattern[str]:
    # Cached because the same user tends to hit the same resolved pattern many times.
    if arn:
        return _arn_regex(resolved)
    return re.compile(_source(resolved), re.DOTALL)


def _arn_regex(resolved: tuple[tuple[str, bool], ...]) -> re.Pattern[str]:
    # ARN operators compare the six colon-delimited segments separately, so wildcards in
    # the first five cannot run across a colon; the resource segment may contain colons.
    parts: list[str] = []
    colons = 0
    for text, wild in resolved:
        for char in text:
            if char == ":" and colons < 5:
                colons += 1
                parts.append(":")
            elif wild and char in "*?":
                inner = colons < 5
                if char == "*":
                    parts.append("[^:]*" if inner else ".*")
                else:
                    parts.append("[^:]" if inner else ".")
            else:
                parts.append(re.escape(char))
    if colons < 5:
        # Not an ARN at all: matches nothing rather than everything.
        return re.compile(r"(?!)")
    return re.compile("".join(parts), re.DOTALL)


@dataclass(frozen=True, slots=True)
class PatternSet:
    """A list of patterns (an Action or Resource element) compiled for fast matching.

    Static patterns collapse into a set of exact strings plus one alternation regex;
    patterns with variables are kept as templates and resolved per request.
    """

    match_all: bool
    exact: frozenset[str]
    regex: re.Pattern[str] | None
    dynamic: tuple[Template, ...]

    def match(self, value: str, ctx: Context) -> bool | None:
        """True if a pattern matches, False if none does, None if none does and one was
        unresolvable (so a NotResource holding it must not be taken as satisfied)."""
        if self.match_all or value in self.exact:
            return True
        if self.regex is not None and self.regex.fullmatch(value) is not None:
            return True
        unresolved = False
        for template in self.dynamic:
            compiled = template.regex(ctx)
            if compiled is None:
                unresolved = True
            elif compiled.fullmatch(value) is not None:
                return True
        return None if unresolved else False


def compile_patterns(patterns: Sequence[str], *, fold: bool, variables: bool) -> PatternSet:
    """Compile an element's patterns.

    Parameters
    ----------
    patterns
        The element's values.
    fold
        Lower-case the patterns (for actions; the caller lower-cases the action too).
    variables
        Whether ``${...}`` is a policy variable (policy Version 2012-10-17) or literal text.
    """
    exact: set[str] = set()
    wild: list[str] = []
    dynamic: list[Template] = []
    match_all = False
    for raw in patterns:
        pattern = raw.lower() if fold else raw
        template = parse_template(pattern, variables=variables)
        if template.dynamic:
            dynamic.append(template)
        elif len(template.pieces) > 1 or template.pieces[0].kind != "text":
            # Escapes such as ${*} make parts of the pattern literal.
            resolved = template.resolve({})
            assert resolved is not None  # no variables, so always resolvable
            wild.append(_source(resolved))
        elif pattern == "*":
            match_all = True
        elif "*" in pattern or "?" in pattern:
            wild.append(wildcard_regex(pattern))
        else:
            exact.add(pattern)
    regex = re.compile("|".join(f"(?:{w})" for w in wild), re.DOTALL) if wild else None
    return PatternSet(match_all, frozenset(exact), regex, tuple(dynamic))
