"""The permission report: each probe beside the local evaluator's decision, and why.

A row is one (action, resource): what the live probe saw, what the policies decide, and
whether the two agree. Disagreements are explained (an endpoint that does not enforce
session policies, a policy the role cannot read, a denial from something no policy view
sees). Rendering lives here too: ``_repr_html_`` for notebooks, plain text for terminals.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from qds_notebook.aws.gather import GatheredPolicies
from qds_notebook.aws.probes import ProbeResult
from qds_notebook.locations import S3Location
from qds_notebook.policy import Decision, Request, evaluate, parse_policy
from qds_notebook.roles import EffectiveRole

__all__ = ["CheckReport", "CheckRow", "Comparison", "PolicyView"]

_COLOURS = {
    "allowed": "#c8f7c5",
    "denied": "#f7c5c5",
    "explicitDeny": "#f7c5c5",
    "implicitDeny": "#f7c5c5",
    "error": "#ffe8a8",
    "skipped": "#e0e0e0",
}


@dataclass(frozen=True)
class PolicyView:
    """The gathered policies, compiled once, able to decide any request for the role."""

    role: EffectiveRole
    gathered: GatheredPolicies
    principal: str
    _compiled: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        g = self.gathered
        self._compiled.update(
            identity=[parse_policy(d, name=n) for n, d in g.identity],
            session=None if g.session is None else parse_policy(g.session),
            boundary=None
            if g.boundary is None
            else [parse_policy(d, name=n) for n, d in g.boundary],
            resource={b: parse_policy(d) for b, d in g.bucket_policies.items() if d is not None},
            scps=None
            if g.scps is None
            else [[parse_policy(d, name=n) for n, d in level] for level in g.scps],
            rcps=None
            if g.rcps is None
            else [[parse_policy(d, name=n) for n, d in level] for level in g.rcps],
        )

    def decide_at(self, action: str, location: S3Location) -> Decision:
        """Decide ``action`` on an S3 location: listings on the bucket ARN with ``s3:prefix``."""
        if action.lower() == "s3:listbucket":
            return self.decide(action, location.bucket_arn, {"s3:prefix": location.key})
        return self.decide(action, location.arn)

    def decide(self, action: str, resource: str, context: dict[str, Any] | None = None) -> Decision:
        """Evaluate ``action`` on ``resource`` (ARN) with the visible policies."""
        c = self._compiled
        bucket = resource.split(":::", 1)[-1].split("/", 1)[0] if ":::" in resource else ""
        return evaluate(
            Request(
                principal=self.principal,
                action=action,
                resource=resource,
                resource_account=self.role.account,
                context=context or {},
                identity_policies=c["identity"],
                session_policy=c["session"],
                permissions_boundary=c["boundary"],
                resource_policy=c["resource"].get(bucket),
                scps=c["scps"],
                rcps=c["rcps"],
            )
        )


def _agreement(
    probe: ProbeResult, decision: Decision | None, view: PolicyView | None
) -> tuple[str, str]:
    if decision is None or probe.status in ("error", "skipped"):
        return "n/a", "" if probe.status == "allowed" else probe.detail
    allowed = decision.decision == "allowed"
    if (probe.status == "allowed") == allowed:
        return "agree", ""
    if probe.status == "allowed":
        if "session" in decision.blocked_by:
            return "disagree", (
                "the endpoint did not enforce the session policy the SDK attached (AWS would deny)"
            )
        org = {"scp", "rcp"} & set(decision.blocked_by) or any(
            m.policy.startswith(("scp:", "rcp:")) for m in decision.matched
        )
        if org:
            return "disagree", (
                "the endpoint does not apply the organization's SCPs/RCPs from the account "
                "config (AWS would deny)"
            )
        if decision.decision == "explicitDeny":
            return "disagree", "the endpoint did not apply an explicit deny the policies contain"
        if view is not None and view.gathered.partial:
            return "disagree", "a policy the role cannot read may allow this"
        return "disagree", (
            "the endpoint allowed what the visible policies deny (it may treat a condition as met)"
        )
    return "disagree", (
        "something the evaluator cannot see denies it: an SCP, a bucket ACL or "
        "Block Public Access, a KMS key policy, or a policy not visible"
    )


@dataclass(frozen=True, slots=True)
class CheckRow:
    """One (action, resource) of the report."""

    check: str
    action: str
    resource: str
    target: str
    probe: str
    decision: str
    agreement: str
    note: str = ""
    decided_by: str = ""
    code: str | None = None
    request_id: str | None = None
    elapsed: float = 0.0

    @classmethod
    def build(cls, probe: ProbeResult, view: PolicyView | None) -> CheckRow:
        decision = None
        if view is not None and probe.action.startswith("s3:"):
            decision = view.decide(probe.action, probe.resource, dict(probe.context))
        agreement, note = _agreement(probe, decision, view)
        if probe.status == "error" and probe.code:
            note = f"{probe.code}: {probe.detail} (request id {probe.request_id})"
        return cls(
            check=probe.check,
            action=probe.action,
            resource=probe.resource,
            target=probe.target,
            probe=probe.status,
            decision=decision.decision if decision else "",
            agreement=agreement,
            note=note,
            decided_by=decision.explain() if decision else "",
            code=probe.code,
            request_id=probe.request_id,
            elapsed=probe.elapsed,
        )


@dataclass(frozen=True)
class CheckReport:
    """Probes and policy decisions for one role. Display it, or use :meth:`to_frame`."""

    role: EffectiveRole
    caller_arn: str | None
    rows: tuple[CheckRow, ...]
    not_visible: tuple[str, ...] = ()
    elapsed: float = 0.0
    supplied: tuple[str, ...] = ()
    _view: PolicyView | None = field(default=None, repr=False, compare=False)
    _resolve: Callable[[str], Any] | None = field(default=None, repr=False, compare=False)

    @property
    def partial(self) -> bool:
        """Whether some policy was not visible to the role."""
        return bool(self.not_visible)

    @property
    def verdict(self) -> str:
        """One line: agreement count, and whether the view is partial."""
        judged = [r for r in self.rows if r.agreement != "n/a"]
        agree = sum(r.agreement == "agree" for r in judged)
        text = f"{agree}/{len(judged)} probes agree with the policy evaluation"
        if self.partial:
            text += f"; partial: {len(self.not_visible)} policy source(s) not visible"
        return text

    def explain(self, action: str, path: str) -> str:
        """Which statement of which policy decides ``action`` on ``path``, or why none allows.

        ``path`` resolves under the default location like every SDK path.
        """
        if self._view is None:
            return "no policies were visible to evaluate"
        if self._resolve is not None:
            decision = self._view.decide_at(action, self._resolve(path))
        else:
            decision = self._view.decide(action, path)
        text = decision.explain()
        if self.partial:
            text += " (partial view: " + "; ".join(self.not_visible) + ")"
        return text

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "role": {
                "kind": self.role.kind,
                "arn": self.role.arn,
                "reason": self.role.reason,
                "scope": self.role.scope,
            },
            "caller_arn": self.caller_arn,
            "verdict": self.verdict,
            "partial": self.partial,
            "not_visible": list(self.not_visible),
            "supplied_by_config": list(self.supplied),
            "rows": [{f: getattr(r, f) for f in CheckRow.__dataclass_fields__} for r in self.rows],
        }

    def to_frame(self) -> Any:
        """A pandas DataFrame, one row per (action, resource)."""
        import pandas as pd

        return pd.DataFrame(self.to_dict()["rows"])

    def __str__(self) -> str:
        head = f"Permission check for {self.role} as {self.caller_arn or '(unknown caller)'}"
        cols = ("check", "action", "target", "probe", "decision", "agreement")
        table = [cols] + [tuple(str(getattr(r, c)) for c in cols) for r in self.rows]
        widths = [max(len(row[i]) for row in table) for i in range(len(cols))]
        lines = [head, ""]
        for n, row in enumerate(table):
            lines.append("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
            if n == 0:
                lines.append("  ".join("-" * w for w in widths))
        notes = [f"  * {r.check}: {r.note}" for r in self.rows if r.note]
        if notes:
            lines += ["", "Notes:", *notes]
        if self.not_visible:
            lines += ["", "Not visible to this role:", *(f"  - {x}" for x in self.not_visible)]
        if self.supplied:
            lines += ["", "Supplied by the account config:", *(f"  - {x}" for x in self.supplied)]
        lines += ["", self.verdict]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<CheckReport {self.role.kind}:{self.role.name}: {self.verdict}>"

    def _repr_html_(self) -> str:
        def cell(value: str) -> str:
            colour = _COLOURS.get(value, "")
            style = f' style="background:{colour}"' if colour else ""
            return f"<td{style}>{html.escape(value)}</td>"

        rows = []
        for r in self.rows:
            flag = ' style="outline:2px solid #d9822b"' if r.agreement == "disagree" else ""
            rows.append(
                f"<tr{flag}><td>{html.escape(r.check)}</td><td><code>{html.escape(r.action)}"
                f"</code></td><td><code>{html.escape(r.target)}</code></td>{cell(r.probe)}"
                f"{cell(r.decision)}<td>{html.escape(r.agreement)}</td>"
                f"<td>{html.escape(r.note or r.decided_by)}</td></tr>"
            )
        hidden = "".join(f"<li>{html.escape(x)}</li>" for x in self.not_visible)
        supplied = "".join(f"<li>{html.escape(x)}</li>" for x in self.supplied)
        return (
            '<div class="qds-check">'
            f"<b>Permission check</b> for {html.escape(str(self.role))}<br>"
            f"caller <code>{html.escape(self.caller_arn or '?')}</code>"
            "<table><thead><tr><th>check</th><th>action</th><th>target</th><th>probe</th>"
            "<th>policy decision</th><th>agreement</th><th>why</th></tr></thead><tbody>"
            + "".join(rows)
            + "</tbody></table>"
            + (f"<p>Not visible to this role:</p><ul>{hidden}</ul>" if hidden else "")
            + (f"<p>Supplied by the account config:</p><ul>{supplied}</ul>" if supplied else "")
            + f"<p>{html.escape(self.verdict)}</p>"
            '<p><small>Legend: <span style="background:#c8f7c5">allowed</span> '
            '<span style="background:#f7c5c5">denied</span> '
            '<span style="background:#ffe8a8">error</span> '
            '<span style="background:#e0e0e0">skipped</span>; outlined rows: probe and '
            "policies disagree.</small></p></div>"
        )


@dataclass(frozen=True)
class Comparison:
    """Two roles' reports side by side, differences first."""

    left: CheckReport
    right: CheckReport

    def rows(self) -> list[dict[str, str]]:
        """One dict per (action, target), rows that differ first."""

        def key(r: CheckRow) -> tuple[str, str]:
            return (r.action, r.check)

        left = {key(r): r for r in self.left.rows}
        right = {key(r): r for r in self.right.rows}
        out = []
        for k in dict.fromkeys([*left, *right]):
            a, b = left.get(k), right.get(k)
            either = a or b
            pa, pb = (a.probe if a else "-"), (b.probe if b else "-")
            out.append(
                {
                    "check": k[1],
                    "action": k[0],
                    "target": either.target if either else "",
                    self.left.role.kind: pa,
                    self.right.role.kind: pb,
                    "differs": "yes" if pa != pb else "",
                }
            )
        return sorted(out, key=lambda r: r["differs"] != "yes")

    def to_frame(self) -> Any:
        """A pandas DataFrame of :meth:`rows`."""
        import pandas as pd

        return pd.DataFrame(self.rows())

    def __str__(self) -> str:
        rows = self.rows()
        lk, rk = self.left.role.kind, self.right.role.kind
        head = (
            f"Compare {lk} ({self.left.role.name}) with {rk} ({self.right.role.name}); "
            f"{sum(r['differs'] == 'yes' for r in rows)} difference(s)"
        )
        cols = ("check", "action", lk, rk, "differs")
        table = [cols] + [tuple(r[c] for c in cols) for r in rows]
        widths = [max(len(row[i]) for row in table) for i in range(len(cols))]
        lines = [head, ""]
        for row in table:
            lines.append("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<Comparison {self.left.role.kind} vs {self.right.role.kind}>"

    def _repr_html_(self) -> str:
        lk, rk = self.left.role.kind, self.right.role.kind
        body = []
        for r in self.rows():
            flag = ' style="font-weight:bold"' if r["differs"] else ""
            cells = "".join(
                f'<td style="background:{_COLOURS.get(r[c], "")}">{html.escape(r[c])}</td>'
                for c in (lk, rk)
            )
            body.append(
                f"<tr{flag}><td>{html.escape(r['check'])}</td><td><code>"
                f"{html.escape(r['action'])}</code></td>{cells}"
                f"<td>{html.escape(r['differs'])}</td></tr>"
            )
        return (
            f"<div class='qds-compare'><b>{html.escape(lk)}</b> "
            f"({html.escape(self.left.role.name)}) vs <b>{html.escape(rk)}</b> "
            f"({html.escape(self.right.role.name)})<table><thead><tr><th>check</th>"
            f"<th>action</th><th>{html.escape(lk)}</th><th>{html.escape(rk)}</th>"
            "<th>differs</th></tr></thead><tbody>" + "".join(body) + "</tbody></table></div>"
        )
