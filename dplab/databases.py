"""Databases of one private bit per person, and their neighbours (Lesson 3).

Two databases are neighbours when one is the other with one row removed. The course
built all n neighbours of an n-row database as n copies in Python loops (O(n²) time and
memory); here a neighbour is an index mask or a lazily made view, and queries over all
neighbours are computed in closed form where one exists (see `dplab.sensitivity`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from dplab.rng import RandomLike, generator

PARALLEL_LIMIT = 20_000


def make_database(n: int, p: float = 0.5, *, seed: RandomLike = None) -> np.ndarray:
    """``n`` independent bits, each True with probability ``p``."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n must be a positive whole number, got {n!r}")
    if not 0.0 <= float(p) <= 1.0:
        raise ValueError(f"p must lie in [0, 1], got {p!r}")
    return generator(seed).random(int(n)) < p


def _as_database(db: np.ndarray | Sequence[float]) -> np.ndarray:
    array = np.asarray(db)
    if array.ndim != 1 or array.size < 2:
        raise ValueError(f"db must be a 1-D array of at least 2 rows, got shape {array.shape}")
    return array


def remove_one_mask(n: int, i: int) -> np.ndarray:
    """Boolean mask selecting every row of an n-row database except row ``i``."""
    if not 0 <= i < n:
        raise IndexError(f"row {i} is outside 0..{n - 1}")
    mask = np.ones(n, dtype=bool)
    mask[i] = False
    return mask


class NeighbouringDatabases(Sequence[np.ndarray]):
    """The n remove-one neighbours of a database, made one at a time on access."""

    def __init__(self, db: np.ndarray | Sequence[float]) -> None:
        self.db = _as_database(db)

    def __len__(self) -> int:
        return self.db.size

    def __getitem__(self, i: int) -> np.ndarray:  # type: ignore[override]
        return self.db[remove_one_mask(self.db.size, i)]

    def __iter__(self) -> Iterator[np.ndarray]:
        return (self[i] for i in range(len(self)))


def neighbouring_databases(db: np.ndarray | Sequence[float]) -> NeighbouringDatabases:
    """The remove-one neighbours of ``db`` as a lazy sequence (never n copies at once)."""
    return NeighbouringDatabases(db)


def parallel_databases(db: np.ndarray | Sequence[float]) -> list[np.ndarray]:
    """All remove-one neighbours as a list, as the course built them: for small n only."""
    array = _as_database(db)
    if array.size > PARALLEL_LIMIT:
        raise ValueError(
            f"parallel_databases makes n copies; n={array.size} is over {PARALLEL_LIMIT}. "
            "Use neighbouring_databases (lazy) or dplab.sensitivity instead."
        )
    return list(NeighbouringDatabases(array))
