"""The main job: the scripted journey for alice on the embedded sandbox.

Run by ``qds-notebook demo``: override role first (read the default location and the
second data bucket; a write refused), then the account role (the write succeeds; the
data bucket is refused). Prints what happened, never a secret.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qds_notebook.errors import QdsError

__all__ = ["run_demo"]


def _journey(ses: Any, say: Callable[[str], None]) -> dict[str, Any]:
    import pandas as pd

    results: dict[str, Any] = {}
    role = ses.effective_role
    say(f"  effective role : {role.kind} {role.arn}")
    say(f"  reason         : {role.reason}")
    say(f"  caller ARN     : {ses.identity().arn}")
    df = ses.read_csv("sales/2024.csv")
    say(f"  read           : {len(df)} rows from {ses.path('sales/2024.csv')}")
    results["rows"] = len(df)
    for path in ("s3://acme-raw/sales/raw-2024.csv",):
        try:
            raw = ses.read_csv(path)
            say(f"  read           : {len(raw)} rows from {path}")
        except QdsError as exc:
            say(f"  read refused   : {exc}")
    summary = pd.DataFrame(df.groupby("region")["units"].sum()).reset_index()
    try:
        uri = ses.to_parquet(summary, "out/units-by-region.parquet")
        say(f"  write          : {len(summary)} rows to {uri}")
        results["wrote"] = uri
    except QdsError as exc:
        say(f"  write refused  : {exc}")
        results["refused"] = str(exc)
    return results


def run_demo(*, say: Callable[[str], None] = print) -> int:
    """Start the sandbox and run the journey; returns the process exit code."""
    from qds_notebook import sandbox

    say("Starting the sandbox (moto on 127.0.0.1, IAM enforced)...")
    with sandbox.start() as sb:
        say(f"Sandbox at {sb.endpoint_url}; account config {sb.config_path}")
        ses = sb.session("alice@acme.com")
        say(f"\nalice@acme.com may use: {', '.join(c.label for c in ses.choices())}")
        say("\n1. As alice's override role")
        first = _journey(ses, say)
        ses.use("account")
        say("\n2. Switched to the account role")
        second = _journey(ses, say)
        calls = len(sb.assume_role_calls())
        say(f"\nSTS AssumeRole calls made: {calls} (one per role)")
        ok = "refused" in first and "wrote" in second
        say("Demo finished: " + ("as designed." if ok else "UNEXPECTED outcome."))
        return 0 if ok else 1
