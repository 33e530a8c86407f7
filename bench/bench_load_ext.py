"""How much ``%load_ext qds_notebook`` adds to a bare IPython start-up.

Each run is a fresh process: it times creating an ``InteractiveShell`` (bare IPython
start-up, imports included), then ``%load_ext qds_notebook``, and reports which heavy
modules the extension pulled in (it should be none). Prints one JSON object with the
medians over ``--runs`` processes.

    python bench/bench_load_ext.py [--runs 9]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

from _common import machine

HEAVY = ("boto3", "botocore", "s3fs", "aiobotocore", "pandas", "pyarrow", "ipywidgets")

_CHILD = """
import json, sys, time
t0 = time.perf_counter()
from IPython.core.interactiveshell import InteractiveShell
ip = InteractiveShell.instance()
t1 = time.perf_counter()
ip.run_line_magic("load_ext", "qds_notebook")
t2 = time.perf_counter()
heavy = sorted(m for m in {heavy!r} if m in sys.modules)
print(json.dumps({{"ipython_ms": (t1 - t0) * 1e3, "load_ext_ms": (t2 - t1) * 1e3,
                  "heavy": heavy}}))
"""


def run_once() -> dict[str, object]:
    """One fresh process; its timings in milliseconds."""
    out = subprocess.run(
        [sys.executable, "-c", _CHILD.format(heavy=HEAVY)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print the medians as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--quick", action="store_true", help="5 runs instead of 9")
    args = parser.parse_args(argv)
    if args.quick:
        args.runs = 5
    run_once()  # warm the OS file cache; not counted
    runs = [run_once() for _ in range(args.runs)]
    ipython = statistics.median(float(str(r["ipython_ms"])) for r in runs)
    load_ext = statistics.median(float(str(r["load_ext_ms"])) for r in runs)
    heavy = sorted({m for r in runs for m in r["heavy"]})  # type: ignore[attr-defined]
    print(
        json.dumps(
            {
                "benchmark": "%load_ext qds_notebook",
                "figure": "time load_ext adds to a fresh IPython start-up (median)",
                "value": round(load_ext, 1),
                "unit": "ms",
                "target": "< 50 ms added, no heavy import",
                "met": load_ext < 50 and not heavy,
                "runs": args.runs,
                "machine": machine(),
                "details": {
                    "ipython_startup_ms_median": round(ipython, 1),
                    "load_ext_ms_median": round(load_ext, 1),
                    "load_ext_vs_startup_pct": round(100 * load_ext / ipython, 1),
                    "heavy_modules_imported": heavy,
                },
            }
        )
    )


if __name__ == "__main__":
    main()
