"""Permission-check wall time against the sum of its probes (sandbox on 127.0.0.1).

Run: ``python bench/bench_check.py``. Prints one JSON line: median over runs of the
check's wall time, of the sum of its probe times, of its slowest probe, and the ratio
wall/slowest (the target is "about the time of its slowest probe, not the sum").
"""

from __future__ import annotations

import json
import platform
import statistics
import time


def main(runs: int = 7) -> None:
    from qds_notebook import sandbox

    with sandbox.start() as sb:
        ses = sb.session("alice@acme.com")
        ses.check()  # warm: credentials, clients, policy gathering
        walls, sums, slowest = [], [], []
        for _ in range(runs):
            ses._views.clear()  # gather the policies again each run, as a new session would
            start = time.perf_counter()
            report = ses.check()
            walls.append(time.perf_counter() - start)
            del report
        # per-probe times come from a direct run of the probe layer
        from qds_notebook.aws.probes import run_probes

        s3, sts = ses.client("s3"), ses.client("sts")
        for _ in range(runs):
            results = run_probes(s3=s3, sts=sts, defloc=ses.config.default_location,
                                 paths=[ses.path(p) for p in ses.config.data_locations])
            sums.append(sum(r.elapsed for r in results))
            slowest.append(max(r.elapsed for r in results))
    out = {
        "benchmark": "check() wall vs its probes",
        "machine": f"{platform.machine()} {platform.python_version()}",
        "runs": runs,
        "wall_ms": round(statistics.median(walls) * 1000, 1),
        "sum_of_probes_ms": round(statistics.median(sums) * 1000, 1),
        "slowest_probe_ms": round(statistics.median(slowest) * 1000, 1),
        "wall_over_sum": round(statistics.median(walls) / statistics.median(sums), 2),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
