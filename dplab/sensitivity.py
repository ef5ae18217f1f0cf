"""Empirical sensitivity of a query on a database (Lesson 4).

The empirical sensitivity is max over rows i of |q(db) - q(db without row i)|: how far
removing one person can move the answer *on this database*. (The sensitivity that
calibrates noise is the maximum over all databases, which needs bounds on the data; on a
0/1 database the two agree for sum, count and threshold.)

The named queries are computed exactly in O(n) from closed forms; any other callable is
evaluated once per distinct row value (a query depends on the multiset of rows), on
blocks of neighbours at once when it takes ``axis=``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence

import numpy as np

QUERIES = ("sum", "mean", "count", "threshold")
_BLOCK = 4_000_000  # neighbour cells evaluated at once on the generic path


def _database(db: np.ndarray | Sequence[float]) -> np.ndarray:
    array = np.asarray(db, dtype=float)
    if array.ndim != 1 or array.size < 2:
        raise ValueError(f"db must be a 1-D array of at least 2 rows, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError("db must not contain NaN or infinity")
    return array


def neighbour_index(n: int, rows: np.ndarray) -> np.ndarray:
    """Row indices of the remove-one neighbours for each of ``rows``: shape (len(rows), n-1)."""
    base = np.arange(n - 1)
    return base[None, :] + (base[None, :] >= rows[:, None])


def _named(query: str, db: np.ndarray, threshold: float | None) -> np.ndarray:
    """|q(db) - q(db without i)| for every i, in closed form."""
    n, total = db.size, db.sum()
    if query == "sum":
        return np.abs(db)
    if query == "mean":
        # S/n - (S - x_i)/(n - 1) = (n x_i - S) / (n (n - 1))
        return np.abs(n * db - total) / (n * (n - 1))
    if query == "count":
        return (db != 0).astype(float)
    if threshold is None:
        raise ValueError("threshold is required for the 'threshold' query")
    full = float(total > threshold)
    return np.abs(full - ((total - db) > threshold))


def _accepts_axis(query: Callable[..., object]) -> bool:
    try:
        return "axis" in inspect.signature(query).parameters
    except (TypeError, ValueError):
        return False


def _answers_without(query: Callable[..., object], db: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """q(db without row i) for each i in ``rows``: on blocks of neighbours at once when the
    callable takes ``axis=``, one neighbour at a time otherwise."""
    n = db.size
    values = np.empty(rows.size)
    if _accepts_axis(query):
        block = max(1, _BLOCK // (n - 1))
        for start in range(0, rows.size, block):
            chunk = rows[start : start + block]
            values[start : start + block] = np.asarray(query(db[neighbour_index(n, chunk)], axis=1), float)
        return values
    mask = np.ones(n, dtype=bool)
    for k, i in enumerate(rows):
        mask[i] = False
        values[k] = float(query(db[mask]))
        mask[i] = True
    return values


def _generic(query: Callable[..., object], db: np.ndarray, symmetric: bool) -> np.ndarray:
    full = float(query(db))
    if not symmetric:
        return np.abs(full - _answers_without(query, db, np.arange(db.size)))
    # A query of a database (a multiset of rows) gives the same answer without any of
    # several equal rows, so one neighbour per distinct value is enough: a 0/1 database
    # needs two evaluations, not n.
    _, first, inverse = np.unique(db, return_index=True, return_inverse=True)
    return np.abs(full - _answers_without(query, db, first))[inverse]


def sensitivity_per_row(
    query: str | Callable[..., object],
    db: np.ndarray | Sequence[float],
    *,
    threshold: float | None = None,
    symmetric: bool = True,
) -> np.ndarray:
    """|q(db) - q(db without row i)| for every row i: who moves the answer, and how much."""
    array = _database(db)
    if isinstance(query, str):
        if query not in QUERIES:
            raise ValueError(f"query must be one of {QUERIES} or a callable, got {query!r}")
        return _named(query, array, threshold)
    if not callable(query):
        raise TypeError(f"query must be a name or a callable, got {type(query).__name__}")
    return _generic(query, array, symmetric)


def empirical_sensitivity(
    query: str | Callable[..., object],
    db: np.ndarray | Sequence[float],
    *,
    threshold: float | None = None,
    symmetric: bool = True,
) -> float:
    """max over i of |q(db) - q(db without row i)|, exactly.

    ``query`` is ``"sum"``, ``"mean"``, ``"count"`` (non-zero rows), ``"threshold"``
    (1 if the sum exceeds ``threshold``, else 0) or any callable on a 1-D array.

    A callable is taken to depend on the multiset of rows, not their order, as a database
    query does: it is then evaluated once per distinct row value. Pass
    ``symmetric=False`` for an order-dependent function: every neighbour is evaluated, on
    blocks at once when the callable takes ``axis=`` (``np.sum``, ``np.median``, ...).
    """
    return float(sensitivity_per_row(query, db, threshold=threshold, symmetric=symmetric).max())


def column_sensitivity(
    table: np.ndarray, query: str | Callable[..., object] = "sum", *, threshold: float | None = None
) -> np.ndarray:
    """The empirical sensitivity of ``query`` on each column of a 2-D table (day 5: iris)."""
    array = np.asarray(table, dtype=float)
    if array.ndim != 2:
        raise ValueError(f"table must be 2-D, got shape {array.shape}")
    return np.array([empirical_sensitivity(query, col, threshold=threshold) for col in array.T])


def course_loop_sensitivity(query: Callable[[np.ndarray], float], db: np.ndarray) -> float:
    """The course's method, kept as the benchmark's baseline: build each neighbour by
    concatenation, query it, and take the largest change (O(n²))."""
    full = query(db)
    largest = 0.0
    for i in range(len(db)):
        neighbour = np.concatenate([db[:i], db[i + 1 :]])
        largest = max(largest, abs(full - query(neighbour)))
    return float(largest)
