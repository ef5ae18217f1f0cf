"""Benchmarks of the dplab foundations (issue: dplab foundations).

- empirical sensitivity at n = 5000 and 50 000 against the course-style loop (build each
  neighbour by concatenation, then query it); target >= 1000x faster at n = 5000;
- safe Laplace on 10^6 values against raw numpy (target <= 5x slower) and against
  OpenDP's make_laplace on the same vector (ratio reported).

Median of N alternating runs, all in one process. Run:
``.venv/bin/python benchmarks/foundations.py [--runs 5]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np

from dplab.databases import make_database
from dplab.mechanisms import laplace, laplace_unsafe_float
from dplab.sensitivity import course_loop_sensitivity, empirical_sensitivity


def timed(function: Callable[[], object]) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def medians(runs: int, **variants: Callable[[], object]) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(runs):
        for name, variant in variants.items():
            times[name].append(timed(variant))
    return {name: statistics.median(values) for name, values in times.items()}


def opendp_laplace(values: np.ndarray, scale: float) -> Callable[[], object]:
    import opendp.prelude as dp

    dp.enable_features("contrib")
    domain = dp.vector_domain(dp.atom_domain(T=float, nan=False))
    measurement = dp.m.make_laplace(domain, dp.l1_distance(T=float), scale=scale)
    as_list = values.tolist()
    return lambda: measurement(as_list)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    for n, loop_runs in ((5000, args.runs), (50_000, 1)):
        db = make_database(n, seed=1).astype(float)
        fast = medians(
            args.runs,
            sum=lambda db=db: empirical_sensitivity("sum", db),
            mean=lambda db=db: empirical_sensitivity("mean", db),
            generic=lambda db=db: empirical_sensitivity(np.sum, db),
        )
        loop = medians(loop_runs, loop=lambda db=db: course_loop_sensitivity(np.sum, db))["loop"]
        print(f"empirical sensitivity, n = {n}: course loop {loop:.3f} s")
        for name, seconds in fast.items():
            print(f"  dplab {name:<8} {seconds * 1e3:9.3f} ms  -> {loop / seconds:10.0f}x faster")

    values = np.random.default_rng(2).normal(size=1_000_000)
    times = medians(
        args.runs,
        safe=lambda: laplace(values, sensitivity=1, epsilon=1, rng=3),
        numpy=lambda: laplace_unsafe_float(values, sensitivity=1, epsilon=1, rng=3),
        opendp=opendp_laplace(values, 1.0),
    )
    print("Laplace noise on 10^6 values (median of runs):")
    for name, seconds in times.items():
        print(f"  {name:<7} {seconds * 1e3:8.1f} ms")
    print(f"  safe / raw numpy = {times['safe'] / times['numpy']:.2f}")
    print(f"  safe / OpenDP make_laplace = {times['safe'] / times['opendp']:.3f}")


if __name__ == "__main__":
    main()
