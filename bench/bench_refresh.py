"""STS AssumeRole calls per credential rollover while 32 threads read through one session.

One session with short-lived credentials (900 s) and an injected clock. Each round, 32
threads start together (a barrier) and read through the three handle kinds at once: the
s3fs filesystem (``cat_file``), a boto3 client from ``ses.boto3_session()`` and
``pd.read_csv(..., storage_options=ses.storage_options())``. Between rounds the clock
moves past the credentials' advisory window, so every handle wants fresh credentials at
the same moment; the shared source must call STS exactly once for all of them. AssumeRole
calls are counted by the sandbox server itself (``sb.assume_role_calls``). Nothing here
writes a large object, so the server's state endpoint keeps answering.

Run: ``python bench/bench_refresh.py [--quick]``. Prints one JSON line on stdout.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from _common import logger, machine

from qds_notebook.sandbox.clock import MovableClock

log = logger("bench_refresh")

THREADS = 32
ROLLOVERS = 3
DURATION = 900
USER = "alice@acme.com"
CSV_KEY = "qds/sales/2024.csv"
PART_KEY = "qds/sales/parts/part-0.csv"


def read_round(ses: Any, reads_per_thread: int) -> dict[str, Any]:
    """32 threads start together and read through all three handle kinds."""
    import pandas as pd

    fs = ses.filesystem()
    s3 = ses.boto3_session().client("s3")
    opts = ses.storage_options()
    barrier = threading.Barrier(THREADS)
    failures: list[str] = []
    lock = threading.Lock()

    def one(kind: int) -> None:
        if kind == 0:
            ok = len(fs.cat_file(f"acme-defloc/{CSV_KEY}")) > 0
        elif kind == 1:
            ok = len(s3.get_object(Bucket="acme-defloc", Key=PART_KEY)["Body"].read()) > 0
        else:
            ok = len(pd.read_csv(f"s3://acme-defloc/{CSV_KEY}", storage_options=opts)) > 0
        if not ok:
            raise ValueError("empty read")

    def worker(thread: int) -> None:
        barrier.wait()
        for j in range(reads_per_thread):
            try:
                one((thread + j) % 3)
            except Exception as exc:  # a failed read is a result here, not a crash
                with lock:
                    failures.append(type(exc).__name__)

    start = time.perf_counter()
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(worker, range(THREADS)))
    return {
        "seconds": time.perf_counter() - start,
        "reads": THREADS * reads_per_thread,
        "failures": failures,
    }


def key_digest(ses: Any) -> str:
    # Distinct credentials are counted by a digest; no key material is kept or printed.
    return hashlib.sha256(ses.credentials().access_key_id.encode()).hexdigest()[:12]


def one_run(sb: Any, reads_per_thread: int, run: int) -> dict[str, Any]:
    """A fresh session: first round, ROLLOVERS rollovers, then an idle round."""
    from qds_notebook.aws.credentials import refresh_windows

    clock = MovableClock()
    ses = sb.session(USER, clock=clock, duration_seconds=DURATION)
    role_arn = ses.effective_role.arn
    step = DURATION - refresh_windows(DURATION).advisory + 5
    calls = [len(sb.assume_role_calls(role_arn))]
    rounds = [read_round(ses, reads_per_thread)]
    calls.append(len(sb.assume_role_calls(role_arn)))
    keys = {key_digest(ses)}
    for rollover in range(1, ROLLOVERS + 1):
        clock.advance(step)  # into the advisory window of the current credentials
        rounds.append(read_round(ses, reads_per_thread))
        calls.append(len(sb.assume_role_calls(role_arn)))
        keys.add(key_digest(ses))
        log(
            f"run {run} rollover {rollover}: {calls[-1] - calls[-2]} AssumeRole, "
            f"{len(rounds[-1]['failures'])} failed of {rounds[-1]['reads']} reads "
            f"in {rounds[-1]['seconds']:.2f} s"
        )
    rounds.append(read_round(ses, reads_per_thread))  # no time passes: must cost nothing
    calls.append(len(sb.assume_role_calls(role_arn)))
    deltas = [b - a for a, b in itertools.pairwise(calls)]
    return {
        "first_round_calls": deltas[0],
        "rollover_calls": deltas[1 : 1 + ROLLOVERS],
        "idle_round_calls": deltas[-1],
        "distinct_credentials": len(keys),
        "reads": sum(r["reads"] for r in rounds),
        "failures": [f for r in rounds for f in r["failures"]],
        "round_seconds": [r["seconds"] for r in rounds],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer reads and runs")
    parser.add_argument("--runs", type=int, default=None, help="fresh sessions (default 3)")
    args = parser.parse_args(argv)
    runs = args.runs or (1 if args.quick else 3)
    reads_per_thread = 4 if args.quick else 8

    from qds_notebook import sandbox

    log(f"{runs} run(s) x {ROLLOVERS} rollovers, {THREADS} threads x {reads_per_thread} reads")
    with sandbox.start() as sb:
        results = [one_run(sb, reads_per_thread, run) for run in range(1, runs + 1)]

    per_rollover = [c for r in results for c in r["rollover_calls"]]
    failures = [f for r in results for f in r["failures"]]
    value = sum(per_rollover) / len(per_rollover)
    round_seconds = [s for r in results for s in r["round_seconds"]]
    reads_per_round = THREADS * reads_per_thread
    met = all(c == 1 for c in per_rollover) and not failures
    print(
        json.dumps(
            {
                "benchmark": "credential refresh under 32 threads",
                "figure": "STS AssumeRole calls per credential rollover "
                f"({THREADS} threads, fs + boto3 + pandas, 900 s credentials)",
                "value": round(value, 3),
                "unit": "calls/rollover",
                "target": "exactly 1 per rollover, 0 failed reads",
                "met": met,
                "runs": runs,
                "machine": machine(),
                "details": {
                    "rollovers": len(per_rollover),
                    "calls_per_rollover": per_rollover,
                    "first_round_calls": [r["first_round_calls"] for r in results],
                    "idle_round_calls": [r["idle_round_calls"] for r in results],
                    "distinct_credentials_per_run": [r["distinct_credentials"] for r in results],
                    "reads": sum(r["reads"] for r in results),
                    "failed_reads": len(failures),
                    "failure_kinds": sorted(set(failures)),
                    "reads_per_round": reads_per_round,
                    "round_seconds_median": round(statistics.median(round_seconds), 3),
                    "reads_per_second_median": round(
                        reads_per_round / statistics.median(round_seconds), 1
                    ),
                },
            }
        )
    )


if __name__ == "__main__":
    main()
