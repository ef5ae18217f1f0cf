"""Differencing attacks (Lesson 4): two innocent-looking aggregate queries, one on the
whole database and one on the database without a person, reveal that person's value.

This is why an aggregate alone is not private, and what the noise of the later lessons
is for: the attack recovers a value exactly only while the answers are exact.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

ATTACK_QUERIES = ("sum", "mean", "threshold")


@dataclass(frozen=True)
class DifferencingAttack:
    """The outcome of attacking every row of a database with one query type."""

    query: str
    true_values: np.ndarray
    recovered: np.ndarray

    @property
    def accuracy(self) -> float:
        """Share of rows whose value was recovered exactly."""
        return float(np.mean(np.isclose(self.recovered, self.true_values)))


def _answers(query: str, db: np.ndarray, threshold: float | None) -> tuple[float, np.ndarray]:
    """The query on the full database and on each remove-one neighbour (closed forms)."""
    n, total = db.size, db.sum()
    if query == "sum":
        return total, total - db
    if query == "mean":
        return total / n, (total - db) / (n - 1)
    t = total - 1 if threshold is None else threshold
    return float(total > t), ((total - db) > t).astype(float)


def differencing_attack(
    db: np.ndarray | Sequence[float], target: int, *, query: str = "sum", threshold: float | None = None
) -> float:
    """Recover row ``target`` from two aggregate answers.

    - ``sum``: q(db) - q(db without target) is the value itself.
    - ``mean``: n·mean(db) - (n-1)·mean(db without target).
    - ``threshold``: with the threshold just under the total (``sum(db) - 1``, the
      default), "is the sum above it?" is yes on the full database and, for a 0/1
      database, no without the target exactly when the target is 1.
    """
    array = np.asarray(db, dtype=float)
    if array.ndim != 1 or array.size < 2:
        raise ValueError(f"db must be a 1-D array of at least 2 rows, got shape {array.shape}")
    if not 0 <= target < array.size:
        raise ValueError(f"target must be a row of db (0..{array.size - 1}), got {target}")
    return float(attack_every_row(array, query=query, threshold=threshold).recovered[target])


def attack_every_row(
    db: np.ndarray | Sequence[float], *, query: str = "sum", threshold: float | None = None
) -> DifferencingAttack:
    """Run the differencing attack against every row at once."""
    if query not in ATTACK_QUERIES:
        raise ValueError(f"query must be one of {ATTACK_QUERIES}, got {query!r}")
    array = np.asarray(db, dtype=float)
    n = array.size
    full, without = _answers(query, array, threshold)
    if query == "sum":
        recovered = full - without
    elif query == "mean":
        recovered = n * full - (n - 1) * without
    else:
        recovered = full - without
    return DifferencingAttack(query, array, recovered)
