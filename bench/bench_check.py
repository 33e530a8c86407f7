"""Permission-check wall time against its probes, 50 ms latency per request.

Run: ``python bench/bench_check.py``. A latency-injecting TCP proxy on 127.0.0.1 adds
50 ms to every request between the SDK and the sandbox. Prints one JSON line: the median
warm ``check()`` wall time over the median time of one probe (target < 1.5), with the
cold first check and the sum of the probes in the details.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

from _common import machine


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    runs = 3 if args.quick else args.runs

    from qds_notebook import sandbox
    from qds_notebook.sandbox.proxy import FaultProxy

    with sandbox.start() as sb, FaultProxy(sb.endpoint_url, latency=args.latency) as proxy:
        ses = sb.session("alice@acme.com", endpoint_url=proxy.url)
        start = time.perf_counter()
        ses.check()
        cold = time.perf_counter() - start
        walls, sums, probes = [], [], []
        for i in range(runs):
            print(f"run {i + 1}/{runs}", file=sys.stderr)
            start = time.perf_counter()
            report = ses.check()
            walls.append(time.perf_counter() - start)
            timed = [r.elapsed for r in report.rows if r.elapsed]
            sums.append(sum(timed))
            probes.extend(timed)
    wall, one, total = statistics.median(walls), statistics.median(probes), statistics.median(sums)
    ratio = wall / one
    print(
        json.dumps(
            {
                "benchmark": "permission check",
                "figure": "warm check() wall / one probe's time, "
                f"{args.latency * 1000:.0f} ms latency",
                "value": round(ratio, 2),
                "unit": "x one probe",
                "target": "< 1.5",
                "met": ratio < 1.5,
                "runs": runs,
                "machine": machine(),
                "details": {
                    "warm_wall_ms": round(wall * 1000, 1),
                    "one_probe_ms": round(one * 1000, 1),
                    "sum_of_probes_ms": round(total * 1000, 1),
                    "wall_over_sum": round(wall / total, 2),
                    "cold_first_check_ms": round(cold * 1000, 1),
                    "probes_per_check": len(probes) // runs,
                },
            }
        )
    )


if __name__ == "__main__":
    main()
