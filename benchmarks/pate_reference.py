"""A straightforward PATE moments accountant, one query and one order at a time, written
from the equations of Papernot et al. (ICLR 2017, Theorem 3 and Appendix C.3): the
baseline of the PATE benchmark and the cross-check of `dplab.pate` in the tests."""

from __future__ import annotations

import math


def q_noisy_max(counts: list[int], noise_eps: float) -> float:
    """Pr[noisy max ≠ winner] ≤ Σ_{j≠w} (2 + γ_j)/(4 exp γ_j), capped at 1 - 1/k."""
    winner = max(range(len(counts)), key=lambda j: (counts[j], -j))
    q = 0.0
    for j, count in enumerate(counts):
        if j != winner:
            gap = noise_eps * (counts[winner] - count)
            q += math.exp(math.log(gap + 2.0) - math.log(4.0) - gap)
    return min(q, 1.0 - 1.0 / len(counts))


def logmgf(q: float, priv_eps: float, order: float) -> float:
    """min(ε²l(l+1)/2, data-dependent bound while q < 1/(e^ε + 1), ε·l)."""
    bound = priv_eps * order
    if q < 1.0 / (math.exp(priv_eps) + 1.0):
        t = (1 - q) * ((1 - q) / (1 - math.exp(priv_eps) * q)) ** order + q * math.exp(priv_eps * order)
        bound = math.log(t)
    return min(0.5 * priv_eps**2 * order * (order + 1), bound, priv_eps * order)


def analysis(
    preds: list[list[int]], indices: list[int], noise_eps: float, delta: float, moments: int, num_classes: int
) -> tuple[float, float]:
    """(data-dependent ε, data-independent ε) with a loop over queries and orders."""
    teachers, examples = len(preds), len(preds[0])
    best_dependent = best_independent = math.inf
    for order in range(1, moments + 1):
        total = 0.0
        for i in indices:
            counts = [0] * num_classes
            for t in range(teachers):
                counts[preds[t][i]] += 1
            total += logmgf(q_noisy_max(counts, noise_eps), 2 * noise_eps, order)
        best_dependent = min(best_dependent, (total - math.log(delta)) / order)
        independent = examples * logmgf(1.0, 2 * noise_eps, order)
        best_independent = min(best_independent, (independent - math.log(delta)) / order)
    return best_dependent, best_independent


def smoothed_sensitivity(counts: list[int], noise_eps: float, order: float, beta: float) -> float:
    """max_k e^{-βk}·(logmgf after k+1 votes moved from winner to runner-up - after k)."""
    ordered = sorted(counts, reverse=True) + ([0] if len(counts) == 1 else [])
    best, k = 0.0, 0
    while ordered[0] >= ordered[1] + k:
        shifted = list(ordered)
        shifted[0] -= k
        shifted[1] += k
        before = logmgf(q_noisy_max(shifted, noise_eps), 2 * noise_eps, order)
        shifted[0] -= 1
        shifted[1] += 1
        after = logmgf(q_noisy_max(shifted, noise_eps), 2 * noise_eps, order)
        best = max(best, math.exp(-beta * k) * (after - before))
        k += 1
    return best
