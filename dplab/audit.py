"""Empirical privacy checks: does a mechanism's output distribution change by more than
e^ε between neighbouring inputs? (The idea of Google's DP stochastic tester and of
Ding et al., "Detecting violations of differential privacy", CCS 2018.)

A passing audit is evidence, not proof; a failing one is a bug. Only well-populated bins
are compared, so the estimate's own noise stays small.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from dplab.rng import RandomLike, generator


def empirical_epsilon(
    mechanism: Callable[..., np.ndarray],
    value: float,
    neighbour: float,
    *,
    samples: int = 1_000_000,
    bins: int = 80,
    min_count: int = 2_000,
    rng: RandomLike = None,
) -> float:
    """The largest |log(P[bin | value] / P[bin | neighbour])| over histogram bins that hold
    at least ``min_count`` outputs on both sides. ``mechanism(array, rng=...)`` must add
    noise to each entry of an array."""
    gen = generator(rng)
    a = np.asarray(mechanism(np.full(samples, float(value)), rng=gen))
    b = np.asarray(mechanism(np.full(samples, float(neighbour)), rng=gen))
    low, high = np.quantile(np.concatenate([a, b]), [0.001, 0.999])
    edges = np.linspace(low, high, bins + 1)
    count_a, _ = np.histogram(a, edges)
    count_b, _ = np.histogram(b, edges)
    kept = (count_a >= min_count) & (count_b >= min_count)
    if not kept.any():
        raise ValueError("no bin holds enough outputs: raise samples or lower min_count")
    return float(np.max(np.abs(np.log(count_a[kept] / count_b[kept]))))


def empirical_delta(
    mechanism: Callable[..., np.ndarray],
    value: float,
    neighbour: float,
    *,
    epsilon: float,
    samples: int = 2_000_000,
    bins: int = 100,
    rng: RandomLike = None,
) -> float:
    """An estimate of the smallest δ for which the mechanism is (ε, δ)-DP on this pair:
    the larger over both directions of Σ_bins max(0, P[bin | a] - e^ε·P[bin | b]).
    Where the privacy loss hides in the tails (the Gaussian), this sees what a ratio of
    well-populated bins cannot."""
    gen = generator(rng)
    a = np.asarray(mechanism(np.full(samples, float(value)), rng=gen))
    b = np.asarray(mechanism(np.full(samples, float(neighbour)), rng=gen))
    edges = np.linspace(min(a.min(), b.min()), max(a.max(), b.max()), bins + 1)
    pa = np.histogram(a, edges)[0] / samples
    pb = np.histogram(b, edges)[0] / samples
    factor = np.exp(epsilon)
    return float(max(np.maximum(0, pa - factor * pb).sum(), np.maximum(0, pb - factor * pa).sum()))
