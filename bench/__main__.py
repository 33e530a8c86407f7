"""Run every ``bench/bench_*.py`` in a fresh process and write ``docs/benchmarks.md``.

    python -m bench [--quick] [--only NAME ...] [--output docs/benchmarks.md]

Each script prints one JSON line on stdout (``benchmark``, ``figure``, ``value``, ``unit``,
``target``, ``met``, ``runs``, ``machine``, ``details``). A script that exits non-zero
becomes an *error* row carrying its last stderr line; one that exits cleanly without such a
line becomes an *unparsed* row (whatever JSON it did print is kept as its details). Neither
stops the run. The exit status is 1 if any script errored, else 0 (unmet targets included:
they are results, recorded in the table).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import platform
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
REQUIRED = ("benchmark", "figure", "value", "unit", "target", "met")


@dataclass
class Outcome:
    """What one script produced."""

    name: str
    command: str
    status: str  # "ok", "error" or "unparsed"
    seconds: float
    result: dict[str, Any] = field(default_factory=dict)
    message: str = ""


def discover(only: list[str]) -> list[Path]:
    scripts = sorted(HERE.glob("bench_*.py"))
    if not only:
        return scripts
    wanted = {w.removesuffix(".py").removeprefix("bench_") for w in only}
    chosen = [s for s in scripts if s.stem.removeprefix("bench_") in wanted]
    missing = wanted - {s.stem.removeprefix("bench_") for s in chosen}
    if missing:
        names = ", ".join(s.stem for s in scripts)
        raise SystemExit(f"no benchmark named {', '.join(sorted(missing))} (have: {names})")
    return chosen


def _run(argv: list[str], name: str, timeout: float) -> tuple[int, str, list[str]]:
    """Run ``argv``; echo its stderr live (prefixed), keep its stdout and last stderr lines."""
    proc = subprocess.Popen(
        argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    tail: collections.deque[str] = collections.deque(maxlen=20)
    chunks: list[str] = []
    reader = threading.Thread(target=lambda: chunks.append(proc.stdout.read()))  # type: ignore[union-attr]
    reader.start()
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    try:
        for line in proc.stderr:  # type: ignore[union-attr]
            line = line.rstrip("\n")
            if line.strip():
                tail.append(line)
            print(f"  {name}| {line}", file=sys.stderr, flush=True)
        rc = proc.wait()
    finally:
        timer.cancel()
        reader.join()
    if rc < 0:
        tail.append(f"killed after {timeout:.0f} s")
    return rc, "".join(chunks), list(tail)


def parse(stdout: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """(the convention's JSON line, else any JSON object found) from a script's stdout."""
    loose: dict[str, Any] | None = None
    candidates = [line for line in stdout.splitlines() if line.strip()][::-1]
    for text in [*candidates, stdout]:  # whole stdout too: old scripts print indented JSON
        try:
            obj = json.loads(text)
        except ValueError:
            continue
        if isinstance(obj, dict):
            if all(k in obj for k in REQUIRED):
                return obj, None
            loose = loose or obj
    return None, loose


def run_one(script: Path, *, quick: bool, timeout: float) -> Outcome:
    name = script.stem
    argv = [sys.executable, str(script.relative_to(ROOT))]
    flags = ["--quick"] if quick else []
    start = time.perf_counter()
    rc, out, tail = _run(argv + flags, name, timeout)
    note = ""
    if rc == 2 and flags and any("unrecognized arguments: --quick" in t for t in tail):
        note = "(no --quick) "  # a script without the option: run its default size
        rc, out, tail = _run(argv, name, timeout)
        flags = []
    seconds = time.perf_counter() - start
    command = "python " + " ".join([argv[1], *flags])
    if rc != 0:
        last = tail[-1] if tail else f"exit code {rc}, no stderr"
        return Outcome(name, command, "error", seconds, message=note + last)
    result, loose = parse(out)
    if result is None:
        message = note + "no JSON line in the benchmark convention on stdout"
        return Outcome(name, command, "unparsed", seconds, {"details": loose or {}}, message)
    return Outcome(name, command, "ok", seconds, result, note.strip())


def _number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int) or abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _detail(value: Any) -> str:
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, dict | list):
        return "`" + json.dumps(value, separators=(", ", ": ")) + "`"
    return str(value)


def render(outcomes: list[Outcome], *, quick: bool) -> str:
    machines = sorted({str(o.result["machine"]) for o in outcomes if o.result.get("machine")})
    machine = machines[0] if len(machines) == 1 else None
    machine = machine or (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmarks",
        "",
        f"Generated by `python -m bench{' --quick' if quick else ''}` on {when}.",
        f"Machine: {machine}.",
        "",
        "Each benchmark runs as its own process and prints one JSON line; figures are "
        "medians over the stated runs, expressed as ratios or counts so they hold on a "
        "noisy shared machine.",
        "",
        "| benchmark | figure | value | target | met |",
        "|---|---|---|---|---|",
    ]
    for o in outcomes:
        r = o.result
        if o.status == "ok":
            value = f"{_number(r['value'])} {r['unit']}".strip()
            met = "✔" if r["met"] is True else "✘"
            lines.append(
                f"| {_cell(r['benchmark'])} | {_cell(r['figure'])} | {_cell(value)} "
                f"| {_cell(r['target'])} | {met} |"
            )
        else:
            lines.append(f"| {o.name} | {o.status}: {_cell(o.message)} | - | - | ? |")
    for o in outcomes:
        title = o.result.get("benchmark", o.name) if o.status == "ok" else o.name
        lines += ["", f"## {title}", "", f"`{o.command}`"]
        if o.status != "ok":
            lines += ["", f"**{o.status}**: {o.message}"]
        meta = [f"{o.seconds:.0f} s wall"]
        if o.result.get("runs") is not None:
            meta.insert(0, f"runs: {o.result['runs']}")
        if o.status == "ok" and o.message:
            meta.append(o.message)
        lines += ["", "(" + ", ".join(meta) + ")"]
        details = o.result.get("details") or {}
        if o.status == "unparsed" and not details:
            continue
        if details:
            lines.append("")
            lines += [f"- {k}: {_detail(v)}" for k, v in details.items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="pass --quick to every script")
    parser.add_argument("--only", nargs="+", default=[], metavar="NAME", help="e.g. refresh")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per script")
    args = parser.parse_args(argv)
    outcomes = []
    for script in discover(args.only):
        print(f"== {script.stem}", file=sys.stderr, flush=True)
        outcome = run_one(script, quick=args.quick, timeout=args.timeout)
        print(f"== {script.stem}: {outcome.status} in {outcome.seconds:.0f} s", file=sys.stderr)
        outcomes.append(outcome)
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render(outcomes, quick=args.quick), encoding="utf-8")
    print(f"wrote {output}", file=sys.stderr)
    return 1 if any(o.status == "error" for o in outcomes) else 0


if __name__ == "__main__":
    raise SystemExit(main())
