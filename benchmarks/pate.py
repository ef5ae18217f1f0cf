"""Benchmark of the PATE analysis (issue: PATE end to end).

dplab.pate.perform_analysis against a straightforward per-query, per-order loop of the
same equations (benchmarks/pate_reference.py), at 250 teachers x 1000 queries and at
10 teachers x 1797 queries; target >= 100x faster with equal ε to 1e-9. Median of N
alternating runs. Run: ``.venv/bin/python benchmarks/pate.py [--runs 5]``.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time

import numpy as np
import pate_reference

from dplab.pate import perform_analysis


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for teachers, queries in ((250, 1000), (10, 1797)):
        rng = np.random.default_rng(teachers)
        truth = rng.integers(0, 10, queries)
        # teachers agree with the truth 80 % of the time, like decent classifiers
        preds = np.where(
            rng.random((teachers, queries)) < 0.8, truth, rng.integers(0, 10, (teachers, queries))
        )
        indices = np.arange(queries)
        as_lists = preds.tolist(), indices.tolist()
        fast, slow = [], []
        for _ in range(args.runs):
            started = time.perf_counter()
            ours = perform_analysis(preds, indices, 0.1, 1e-5, 8, num_classes=10)
            fast.append(time.perf_counter() - started)
            started = time.perf_counter()
            reference = pate_reference.analysis(*as_lists, 0.1, 1e-5, 8, 10)
            slow.append(time.perf_counter() - started)
        assert all(math.isclose(a, b, rel_tol=1e-9) for a, b in zip(ours, reference, strict=True)), (
            ours,
            reference,
        )
        f, s = statistics.median(fast), statistics.median(slow)
        print(
            f"{teachers} teachers x {queries} queries: dplab {f * 1e3:.2f} ms, loop {s * 1e3:.1f} ms, "
            f"{s / f:.0f}x faster; eps (dependent, independent) = ({ours[0]:.6f}, {ours[1]:.6f}), "
            "equal to the loop within 1e-9"
        )


if __name__ == "__main__":
    main()
