"""Global differential privacy (Lesson 5, day 11): noise added to a query's answer by a
trusted curator, calibrated to the query's sensitivity, instead of to every row."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from dplab.mechanisms import LaplaceMechanism
from dplab.rng import RandomLike, generator
from dplab.sensitivity import QUERIES

# Global L1 sensitivity of each query over 0/1 databases of known size n (remove-one).
_GLOBAL_SENSITIVITY = {"sum": lambda n: 1.0, "count": lambda n: 1.0, "mean": lambda n: 1.0 / (n - 1)}


def global_sensitivity(query: str, n: int) -> float:
    """Sensitivity over all 0/1 databases of ``n`` rows: 1 for sum and count, and
    1/(n - 1) for the mean (removing a row from n moves the mean by at most that)."""
    if query not in _GLOBAL_SENSITIVITY:
        raise ValueError(f"query must be one of {sorted(_GLOBAL_SENSITIVITY)}, got {query!r}")
    return _GLOBAL_SENSITIVITY[query](n)


def _exact(query: str, bits: np.ndarray) -> float:
    if query == "sum":
        return float(bits.sum())
    if query == "count":
        return float(np.count_nonzero(bits))
    return float(bits.mean())


def private_query(db: np.ndarray, query: str, *, epsilon: float, rng: RandomLike = None) -> float:
    """The ε-DP answer to a sum, count or mean of a 0/1 database (Laplace mechanism)."""
    bits = np.asarray(db, dtype=float)
    mechanism = LaplaceMechanism(global_sensitivity(query, bits.size), epsilon)
    return float(mechanism.randomise(_exact(query, bits), rng))


@dataclass(frozen=True)
class PrivateQueryErrors:
    """Noisy answers of one query for several ε (rows: ε, columns: repeats)."""

    query: str
    exact: float
    epsilons: np.ndarray
    answers: np.ndarray

    def plot(self) -> Figure:
        from dplab.plots import private_answers

        return private_answers(self)


def private_query_experiment(
    db: np.ndarray,
    query: str = "sum",
    *,
    epsilons: Sequence[float] = (0.1, 0.5, 1.0, 5.0),
    repeats: int = 1_000,
    rng: RandomLike = None,
) -> PrivateQueryErrors:
    """Ask the same query ``repeats`` times at each ε: the spread of the answers is the
    price of privacy, b = Δ/ε."""
    if query not in QUERIES or query == "threshold":
        raise ValueError("query must be sum, count or mean")
    gen = generator(rng)
    bits = np.asarray(db, dtype=float)
    exact = _exact(query, bits)
    answers = np.array(
        [
            LaplaceMechanism(global_sensitivity(query, bits.size), eps).randomise(
                np.full(repeats, exact), gen
            )
            for eps in epsilons
        ]
    )
    return PrivateQueryErrors(query, exact, np.asarray(epsilons, float), answers)
