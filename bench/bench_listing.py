"""Listing a large default location: ``ses.iter_objects`` vs a bare boto3 paginator.

The default location gets 100,000 tiny objects under ``bench/listing/`` (``--quick``:
10,000) and a tenth as many under ``bench/listing-tenth/``, seeded by many threads with a
boto3 client as bob's account role. Two figures:

* speed: ``list(ses.iter_objects("bench/listing/"))`` against a bare
  ``list_objects_v2`` paginator loop (plain boto3 client, static keys from
  ``ses.credentials()``) over the same prefix, page size 1000, interleaved; the ratio of
  the medians must stay within 10%;
* memory: the tracemalloc peak while streaming the listing and discarding every entry, at
  N/10 and at N objects; "flat in the count" means peak(N) / peak(N/10) < 2.

Run: ``python bench/bench_listing.py [--quick] [--runs N]``. Prints one JSON line on stdout.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import tracemalloc
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from _common import logger, machine

log = logger("bench_listing")

USER = "bob@acme.com"
BUCKET = "acme-defloc"
BIG = "bench/listing/"
TENTH = "bench/listing-tenth/"
PAGE = 1000
SEED_THREADS = 16


def seed(ses: Any, prefix: str, count: int) -> float:
    """``count`` one-byte objects under ``prefix``; returns seconds taken."""
    from botocore.config import Config

    # The server is the bottleneck (one process); the client only has to keep it busy.
    # "when_required" checksums keep the bodies plain instead of aws-chunked with trailers.
    s3 = ses.client(
        "s3",
        config=Config(
            max_pool_connections=SEED_THREADS * 2,
            retries={"mode": "standard", "total_max_attempts": 8},
            request_checksum_calculation="when_required",
        ),
    )
    base = ses.path(prefix).key
    step = max(1, count // 10)
    start = time.perf_counter()

    def put(i: int) -> None:
        s3.put_object(Bucket=BUCKET, Key=f"{base}obj-{i:07d}", Body=b"x")
        if (i + 1) % step == 0:
            log(f"seeded {prefix}: {i + 1}/{count} ({time.perf_counter() - start:.0f} s)")

    with ThreadPoolExecutor(SEED_THREADS) as pool:
        list(pool.map(put, range(count)))
    return time.perf_counter() - start


def bare_client(ses: Any, endpoint_url: str) -> Any:
    """A plain boto3 S3 client with static keys: the baseline without the SDK."""
    import boto3

    snap = ses.credentials()
    return boto3.client(
        "s3",
        aws_access_key_id=snap.access_key_id,
        aws_secret_access_key=snap.secret_key,
        aws_session_token=snap.token,
        endpoint_url=endpoint_url,
        config=ses.endpoint.botocore_config(),
    )


def paginator_list(s3: Any, key_prefix: str) -> list[Any]:
    pages = s3.get_paginator("list_objects_v2").paginate(
        Bucket=BUCKET, Prefix=key_prefix, PaginationConfig={"PageSize": PAGE}
    )
    return [obj for page in pages for obj in page.get("Contents", ())]


def streaming_peak(ses: Any, prefix: str, expected: int) -> int:
    """tracemalloc peak (bytes) while streaming ``prefix`` and discarding each entry."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        count = 0
        for _entry in ses.iter_objects(prefix, page_size=PAGE):
            count += 1
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    if count != expected:
        raise SystemExit(f"streamed {count} objects under {prefix}, expected {expected}")
    return peak


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 objects, not 100,000")
    parser.add_argument("--runs", type=int, default=None, help="timed rounds (default 3)")
    args = parser.parse_args(argv)
    n = 10_000 if args.quick else 100_000
    runs = args.runs or 3
    memory_runs = 3 if args.quick else 1

    from qds_notebook import sandbox

    with sandbox.start() as sb:
        ses = sb.session(USER)
        seed_s = seed(ses, BIG, n) + seed(ses, TENTH, n // 10)
        log(f"seeded {n + n // 10} objects in {seed_s:.0f} s")
        bare = bare_client(ses, sb.endpoint_url)
        key_prefix = ses.path(BIG).key
        # Warm-up on the small prefix, not counted: clients, credentials, paginator models.
        tenth_key = ses.path(TENTH).key
        if len(list(ses.iter_objects(TENTH))) != n // 10 or (
            len(paginator_list(bare, tenth_key)) != n // 10
        ):
            raise SystemExit(f"listing under {TENTH} did not find {n // 10} objects")
        iter_s: list[float] = []
        pag_s: list[float] = []
        for run in range(runs):
            first_iter = run % 2 == 0
            for kind in ("iter", "paginator") if first_iter else ("paginator", "iter"):
                t0 = time.perf_counter()
                found = (
                    len(list(ses.iter_objects(BIG, page_size=PAGE)))
                    if kind == "iter"
                    else len(paginator_list(bare, key_prefix))
                )
                (iter_s if kind == "iter" else pag_s).append(time.perf_counter() - t0)
                if found != n:
                    raise SystemExit(f"{kind} listed {found} objects, expected {n}")
            log(f"round {run + 1}/{runs}: iter {iter_s[-1]:.2f} s, paginator {pag_s[-1]:.2f} s")
        peaks_tenth: list[int] = []
        peaks_full: list[int] = []
        # tracemalloc peaks are deterministic to a few kB; one pass at full size suffices.
        for run in range(memory_runs):
            peaks_tenth.append(streaming_peak(ses, TENTH, n // 10))
            peaks_full.append(streaming_peak(ses, BIG, n))
            log(
                f"memory {run + 1}/{memory_runs}: peak {peaks_tenth[-1] / 1e6:.2f} MB "
                f"at {n // 10}, {peaks_full[-1] / 1e6:.2f} MB at {n}"
            )

    ratio = statistics.median(iter_s) / statistics.median(pag_s)
    peak_tenth = statistics.median(peaks_tenth)
    peak_full = statistics.median(peaks_full)
    peak_ratio = peak_full / peak_tenth
    speed_met = ratio < 1.10
    memory_met = peak_ratio < 2
    print(
        json.dumps(
            {
                "benchmark": "streaming listing of a large default location",
                "figure": f"list(ses.iter_objects()) over a bare boto3 paginator, "
                f"{n:,} objects, page size {PAGE}",
                "value": round(ratio, 3),
                "unit": "x bare paginator",
                "target": "< 1.10 (within 10%); peak memory flat: peak(N)/peak(N/10) < 2",
                "met": speed_met and memory_met,
                "runs": runs,
                "machine": machine(),
                "details": {
                    "objects": n,
                    "seed_seconds": round(seed_s, 1),
                    "iter_objects_s_median": round(statistics.median(iter_s), 3),
                    "paginator_s_median": round(statistics.median(pag_s), 3),
                    "objects_per_s_iter": round(n / statistics.median(iter_s)),
                    "speed_ratio": round(ratio, 3),
                    "speed_met": speed_met,
                    f"peak_mb_at_{n // 10}": round(peak_tenth / 1e6, 3),
                    f"peak_mb_at_{n}": round(peak_full / 1e6, 3),
                    "peak_ratio": round(peak_ratio, 3),
                    "memory_met": memory_met,
                    "memory_runs": memory_runs,
                },
            }
        )
    )


if __name__ == "__main__":
    main()
