"""Local differential privacy by randomized response (Lesson 5, days 9 and 10).

Each person answers truthfully with probability q (the first coin) and otherwise answers
at random, yes with probability 1/2 (the second coin). So P(yes) = q·x + (1 - q)/2, and the
mechanism is ε-DP with ε = ln((1 + q)/(1 - q)) (ln 3 for the course's fair coin).

De-skewing. The observed share of yeses μ has mean q·p + (1 - q)/2, so the unbiased
estimate of the true share is p̂ = (μ - (1 - q)/2)/q, and a count or sum of 0/1 rows is
n·p̂. The course's formula 2μ - 0.5 is this only when q = 1/2, and only for the mean: the
original journal applied it to sums and standard deviations, which made their errors grow
with the database instead of shrinking. `randomized_response_experiment` shows both.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from dplab.rng import RandomLike, generator
from dplab.validation import real

EXPERIMENT_QUERIES = ("mean", "cumulative sum", "random sum", "log sum", "std")


def _keep(keep_probability: float) -> float:
    q = real(keep_probability, "keep_probability")
    if not 0 < q <= 1:
        raise ValueError(f"keep_probability must lie in (0, 1], got {keep_probability}")
    return q


def randomized_response(
    db: np.ndarray | Sequence[bool], *, keep_probability: float = 0.5, rng: RandomLike = None
) -> np.ndarray:
    """Each row's randomized answer (bools), by the two-coin protocol."""
    q = _keep(keep_probability)
    truth = np.asarray(db)
    if truth.ndim != 1 or not np.isin(truth, (0, 1)).all():
        raise ValueError("db must be a 1-D array of 0/1 (or bool) rows")
    gen = generator(rng)
    honest = gen.random(truth.size) < q
    random_answer = gen.random(truth.size) < 0.5
    return np.where(honest, truth.astype(bool), random_answer)


def randomized_response_epsilon(keep_probability: float = 0.5) -> float:
    """ε = ln((1 + q)/(1 - q)): the odds of a yes change by at most (1+q)/(1-q) between a
    person with x = 1 and one with x = 0. Infinite for q = 1 (always truthful)."""
    q = _keep(keep_probability)
    return math.inf if q == 1 else math.log((1 + q) / (1 - q))


def estimate_mean(responses: np.ndarray, *, keep_probability: float = 0.5) -> float:
    """Unbiased estimate of the true share of ones: (μ - (1 - q)/2)/q."""
    q = _keep(keep_probability)
    return float((np.mean(responses) - (1 - q) / 2) / q)


def estimate_count(responses: np.ndarray, *, keep_probability: float = 0.5) -> float:
    """Unbiased estimate of the number (= sum) of ones among the rows."""
    return len(responses) * estimate_mean(responses, keep_probability=keep_probability)


estimate_sum = estimate_count


def course_deskew(value: float | np.ndarray) -> float | np.ndarray:
    """The course's de-skew, 2·value - 0.5: right only for the mean with a fair first coin."""
    return 2 * value - 0.5


def _query_values(query: str, bits: np.ndarray, subset: np.ndarray) -> float | np.ndarray:
    """The query on a 0/1 array (rows are the last axis)."""
    if query == "mean":
        return bits.mean(-1)
    if query == "cumulative sum":
        return np.cumsum(bits, -1)
    if query == "random sum":
        return bits[..., subset].sum(-1)
    if query == "log sum":
        return np.log1p(bits).sum(-1)
    return bits.std(-1)


def _corrected(query: str, responses: np.ndarray, subset: np.ndarray, q: float) -> float | np.ndarray:
    """Each query's own unbiased (or consistent) estimator from the responses."""
    offset = (1 - q) / 2
    if query == "mean":
        return (responses.mean(-1) - offset) / q
    if query == "cumulative sum":
        k = np.arange(1, responses.shape[-1] + 1)
        return (np.cumsum(responses, -1) - k * offset) / q
    if query == "random sum":
        return (responses[..., subset].sum(-1) - subset.size * offset) / q
    if query == "log sum":  # log(1 + x) is ln 2 for a one, 0 for a zero
        return math.log(2) * (responses.sum(-1) - responses.shape[-1] * offset) / q
    share = np.clip((responses.mean(-1) - offset) / q, 0, 1)
    return np.sqrt(share * (1 - share))


def _relative_error(estimate: float | np.ndarray, truth: float | np.ndarray) -> float:
    estimate, truth = np.asarray(estimate, float), np.asarray(truth, float)
    scale = max(float(np.abs(truth).mean()), 1e-12)
    return float(np.abs(estimate - truth).mean() / scale)


@dataclass(frozen=True)
class RandomizedResponseExperiment:
    """Relative errors of each query's estimate, per database size (rows) and repeat."""

    sizes: np.ndarray
    queries: tuple[str, ...]
    keep_probability: float
    p: float
    corrected: dict[str, np.ndarray]  # query -> (sizes, repeats) relative errors
    original: dict[str, np.ndarray]  # the course's 2·q(responses) - 0.5

    def median_error(self, query: str, estimator: str = "corrected") -> np.ndarray:
        """Median relative error per size, for ``estimator`` ``corrected`` or ``original``."""
        return np.median(getattr(self, estimator)[query], axis=1)

    def plot(self) -> Figure:
        """Relative error against database size, each query's estimator beside the original."""
        from dplab.plots import estimator_errors

        return estimator_errors(self)


def randomized_response_experiment(
    sizes: Sequence[int] = (10, 100, 1_000, 10_000, 100_000),
    *,
    queries: Sequence[str] = ("mean",),
    repeats: int = 20,
    keep_probability: float = 0.5,
    p: float = 0.5,
    seed: RandomLike = None,
) -> RandomizedResponseExperiment:
    """Days 9-10: draw databases of each size, answer by randomized response, and compare
    each query's estimate with its true value, with the right estimator and with the
    course's formula."""
    q = _keep(keep_probability)
    unknown = [name for name in queries if name not in EXPERIMENT_QUERIES]
    if unknown:
        raise ValueError(f"unknown queries {unknown}; choose from {EXPERIMENT_QUERIES}")
    if repeats < 1 or not sizes or min(sizes) < 2:
        raise ValueError("need repeats >= 1 and sizes of at least 2 rows")
    gen = generator(seed)
    corrected = {name: np.empty((len(sizes), repeats)) for name in queries}
    original = {name: np.empty((len(sizes), repeats)) for name in queries}
    for s, n in enumerate(sizes):
        for r in range(repeats):
            bits = (gen.random(n) < p).astype(float)
            responses = randomized_response(bits, keep_probability=q, rng=gen).astype(float)
            subset = np.flatnonzero(gen.random(n) < 0.5)
            for name in queries:
                truth = _query_values(name, bits, subset)
                corrected[name][s, r] = _relative_error(_corrected(name, responses, subset, q), truth)
                naive = course_deskew(_query_values(name, responses, subset))
                original[name][s, r] = _relative_error(naive, truth)
    return RandomizedResponseExperiment(np.asarray(sizes), tuple(queries), q, p, corrected, original)
