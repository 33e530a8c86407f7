"""Value objects the ``%qds`` subcommands return: rich HTML beside plain text.

Each object is a frozen dataclass holding only what it shows; none ever holds a secret
(credentials appear as the masked access key id prefix at most). ``__repr__`` is the plain
text so IPython's ``text/plain`` and ``print()`` agree.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

__all__ = [
    "ConfigView",
    "CredsView",
    "EnvView",
    "ListingView",
    "RoleRow",
    "RolesView",
    "SettingRow",
    "StatusView",
    "human_duration",
]

_TABLE = '<table class="qds-table" style="border-collapse:collapse;text-align:left">'


def human_duration(seconds: float | None) -> str:
    """``"59m 58s"``, ``"1h 02m"``, ``"expired"`` or ``"not assumed yet"``."""
    if seconds is None:
        return "not assumed yet"
    if seconds <= 0:
        return "expired"
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


def _cell(value: object, tag: str = "td") -> str:
    return f'<{tag} style="padding:2px 8px">{html.escape(str(value))}</{tag}>'


def _table(header: Sequence[str], rows: Iterable[Sequence[object]], caption: str = "") -> str:
    head = "".join(_cell(h, "th") for h in header)
    body = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in rows)
    cap = f"<caption style='text-align:left'><b>{html.escape(caption)}</b></caption>"
    return f"{_TABLE}{cap if caption else ''}<tr>{head}</tr>{body}</table>"


def _text_table(rows: Sequence[Sequence[object]]) -> str:
    if not rows:
        return ""
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(str(v).ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in rows
    )


class _Plain:
    """Mixin: ``repr()`` is the plain-text rendering."""

    __slots__ = ()

    def __str__(self) -> str:
        raise NotImplementedError

    def __repr__(self) -> str:
        return str(self)


@dataclass(frozen=True, slots=True, repr=False)
class StatusView(_Plain):
    """Who the session is and which role it acts as (``%qds status``)."""

    account: str
    user: str
    role_kind: str
    role_name: str
    role_arn: str
    reason: str
    scope: str | None
    caller_arn: str
    expires_in: float | None
    default_location: str

    def rows(self) -> list[tuple[str, str]]:
        """The (label, value) pairs shown."""
        scope = f", scoped to {self.scope}" if self.scope else ""
        return [
            ("account", self.account),
            ("user", self.user),
            ("role", f"{self.role_kind}: {self.role_name} ({self.reason}{scope})"),
            ("role ARN", self.role_arn),
            ("caller", self.caller_arn),
            ("expires in", human_duration(self.expires_in)),
            ("default location", self.default_location),
        ]

    def __str__(self) -> str:
        return _text_table(self.rows())

    def _repr_html_(self) -> str:
        return _table(("", ""), self.rows(), caption="qds status")


@dataclass(frozen=True, slots=True)
class RoleRow:
    """One of the user's role choices."""

    kind: str
    name: str
    arn: str
    current: bool


@dataclass(frozen=True, slots=True, repr=False)
class RolesView(_Plain):
    """The user's role choices, the effective one marked (``%qds roles``)."""

    user: str
    roles: tuple[RoleRow, ...]

    def __str__(self) -> str:
        rows = [("*" if r.current else " ", r.kind, r.name, r.arn) for r in self.roles]
        return f"roles for {self.user} (* = in effect)\n" + _text_table(rows)

    def _repr_html_(self) -> str:
        rows = [("\u2713" if r.current else "", r.kind, r.name, r.arn) for r in self.roles]
        return _table(("in effect", "kind", "role", "ARN"), rows, f"roles for {self.user}")


@dataclass(frozen=True, slots=True, repr=False)
class CredsView(_Plain):
    """Freshly assumed credentials, by key id prefix and expiry only (``%qds creds``)."""

    role_arn: str
    key_prefix: str
    expiry: datetime
    expires_in: float

    def rows(self) -> list[tuple[str, str]]:
        """The (label, value) pairs shown."""
        return [
            ("role ARN", self.role_arn),
            ("access key id", self.key_prefix),
            ("expiry", self.expiry.isoformat(timespec="seconds")),
            ("expires in", human_duration(self.expires_in)),
        ]

    def __str__(self) -> str:
        return "credentials refreshed\n" + _text_table(self.rows())

    def _repr_html_(self) -> str:
        return _table(("", ""), self.rows(), caption="credentials refreshed")


@dataclass(frozen=True, slots=True, repr=False)
class EnvView(_Plain):
    """Which environment variables ``%qds env`` set or removed (names only, never values)."""

    names: tuple[str, ...]
    unset: bool
    role_arn: str = ""

    def __str__(self) -> str:
        if self.unset:
            restored = ", ".join(self.names) or "(nothing was exported)"
            return f"restored os.environ to before %qds env: {restored}"
        return f"set in os.environ for {self.role_arn}: " + ", ".join(self.names)

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(str(self))}</p>"


@dataclass(frozen=True, slots=True)
class _Item:
    name: str
    kind: str
    size: str


@dataclass(frozen=True, slots=True, repr=False)
class ListingView(_Plain):
    """Prefixes and objects under a location (``%qds ls``)."""

    location: str
    items: tuple[_Item, ...]

    @classmethod
    def of(cls, location: str, entries: Iterable[object]) -> ListingView:
        """Build from :class:`qds_notebook.aws.data.Entry`-like objects."""
        items = tuple(
            _Item(str(getattr(e, "name", "")), str(getattr(e, "kind", "")), _size(e))
            for e in entries
        )
        return cls(location, items)

    def __str__(self) -> str:
        if not self.items:
            return f"{self.location}: (empty)"
        rows = [(i.name, i.size) for i in self.items]
        return f"{self.location}\n" + _text_table(rows)

    def _repr_html_(self) -> str:
        rows = [(i.name, i.kind, i.size) for i in self.items]
        return _table(("name", "kind", "size"), rows, caption=self.location)


def _size(entry: object) -> str:
    return str(getattr(entry, "human_size", "") or "")


@dataclass(frozen=True, slots=True)
class SettingRow:
    """One resolved setting and where it came from."""

    name: str
    value: str
    source: str
    detail: str
    described: str


@dataclass(frozen=True, slots=True, repr=False)
class ConfigView(_Plain):
    """Where each setting came from: argument, env, file or default (``%qds config``)."""

    path: str | None
    settings: tuple[SettingRow, ...]

    def __str__(self) -> str:
        head = f"config file: {self.path or '(none)'}"
        return "\n".join([head, *(s.described for s in self.settings)])

    def _repr_html_(self) -> str:
        rows = [(s.name, s.value, s.source, s.detail) for s in self.settings]
        caption = f"config file: {self.path or '(none)'}"
        return _table(("setting", "value", "source", "detail"), rows, caption)
