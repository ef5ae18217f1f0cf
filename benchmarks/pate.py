"""Benchmark of the PATE analysis (issue: PATE end to end).

dplab.pate.perform_analysis against a straightforward per-query, per-order loop of the
same equations (benchmarks/pate_reference.py), at 250 teachers x 1000 queries and at
10 teachers x 1797 queries; target >= 100x faster with equal ε to 1e-9.

Each of N alternating rounds times one loop call, then one dplab call straight after it
(the loop has just pushed the 2 MB of votes out of the CPU caches: "first call"), then
dplab's steady per-call time over back-to-back calls (timeit's autorange, as pyperf and
timeit measure a function). Medians of the rounds. Run: ``.venv/bin/python
benchmarks/pate.py [--runs 7]``.
"""

from __future__ import annotations

import argparse
import functools
import math
import time
import timeit

import numpy as np
import pate_reference
from common import median

from dplab.pate import perform_analysis


def measure(teachers: int, queries: int, runs: int) -> None:
    """Print the loop's and dplab's median times on one synthetic vote matrix."""
    rng = np.random.default_rng(teachers)
    truth = rng.integers(0, 10, queries)
    # teachers agree with the truth 80 % of the time, like decent classifiers
    preds = np.where(rng.random((teachers, queries)) < 0.8, truth, rng.integers(0, 10, (teachers, queries)))
    indices = np.arange(queries)
    ours = functools.partial(perform_analysis, preds, indices, 0.1, 1e-5, 8, num_classes=10)
    loop = functools.partial(pate_reference.analysis, preds.tolist(), indices.tolist(), 0.1, 1e-5, 8, 10)
    timer = timeit.Timer(ours)
    calls, _ = timer.autorange()
    slow, first, steady = [], [], []
    for _ in range(runs):
        started = time.perf_counter()
        reference = loop()
        slow.append(time.perf_counter() - started)
        started = time.perf_counter()
        result = ours()
        first.append(time.perf_counter() - started)
        steady.append(timer.timeit(calls) / calls)
    assert all(math.isclose(a, b, rel_tol=1e-9) for a, b in zip(result, reference, strict=True)), (
        result,
        reference,
    )
    s, f, c = median(slow), median(steady), median(first)
    print(
        f"{teachers} teachers x {queries} queries: loop {s * 1e3:.1f} ms; "
        f"dplab {f * 1e3:.2f} ms per call ({calls} back to back) = {s / f:.0f}x faster, "
        f"first call after the loop {c * 1e3:.2f} ms = {s / c:.0f}x; "
        f"eps (dependent, independent) = ({result[0]:.6f}, {result[1]:.6f}), equal to the loop within 1e-9"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    for teachers, queries in ((250, 1000), (10, 1797)):
        measure(teachers, queries, args.runs)


if __name__ == "__main__":
    main()
