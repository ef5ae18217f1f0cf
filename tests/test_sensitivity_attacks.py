"""Sensitivity and differencing attacks: exact answers and brute-force cross-checks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dplab.attacks import attack_every_row, differencing_attack
from dplab.databases import make_database, neighbouring_databases, parallel_databases
from dplab.sensitivity import column_sensitivity, course_loop_sensitivity, empirical_sensitivity


def brute_force(query, db: np.ndarray) -> float:
    """max_i |q(db) - q(db without i)| by building every neighbour (O(n²))."""
    full = query(db)
    return max(abs(full - query(np.delete(db, i))) for i in range(len(db)))


def test_sum_over_bits_has_sensitivity_one() -> None:
    db = make_database(5000, seed=1)
    assert empirical_sensitivity("sum", db) == 1.0


def test_mean_matches_its_closed_form() -> None:
    db = make_database(5000, p=0.3, seed=2)
    n, ones = len(db), int(db.sum())
    # removing a one or a zero moves the mean by (n - S)/(n(n-1)) or S/(n(n-1))
    assert empirical_sensitivity("mean", db) == pytest.approx(max(ones, n - ones) / (n * (n - 1)), rel=1e-12)


@pytest.mark.parametrize("n", [2, 3, 10, 57])
def test_threshold_matches_brute_force(n: int) -> None:
    db = make_database(n, seed=n).astype(float)
    for threshold in (-1, 0, db.sum() - 1, db.sum() - 0.5, db.sum(), n):
        expected = brute_force(lambda x, t=threshold: float(x.sum() > t), db)
        assert empirical_sensitivity("threshold", db, threshold=threshold) == expected


databases = hnp.arrays(np.float64, st.integers(2, 40), elements=st.floats(-100, 100, allow_nan=False))


@settings(max_examples=150, deadline=None)
@given(db=databases)
def test_named_queries_equal_brute_force(db: np.ndarray) -> None:
    assert empirical_sensitivity("sum", db) == pytest.approx(brute_force(np.sum, db), abs=1e-9)
    assert empirical_sensitivity("mean", db) == pytest.approx(brute_force(np.mean, db), abs=1e-9)
    assert empirical_sensitivity("count", db) == brute_force(np.count_nonzero, db)


@settings(max_examples=100, deadline=None)
@given(db=databases)
def test_callables_equal_brute_force_on_both_paths(db: np.ndarray) -> None:
    assert empirical_sensitivity(np.median, db) == pytest.approx(brute_force(np.median, db), abs=1e-9)
    spread = lambda x: float(x.max() - x.min())  # noqa: E731 - a callable without axis=
    assert empirical_sensitivity(spread, db) == pytest.approx(brute_force(spread, db), abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(db=databases)
def test_order_dependent_callables_on_the_full_path(db: np.ndarray) -> None:
    first = lambda x: float(x[0])  # noqa: E731 - depends on row order
    assert empirical_sensitivity(first, db, symmetric=False) == brute_force(first, db)
    assert empirical_sensitivity(np.sum, db, symmetric=False) == pytest.approx(
        brute_force(np.sum, db), abs=1e-9
    )


def test_generic_path_agrees_with_the_course_loop() -> None:
    db = make_database(700, seed=3).astype(float)
    assert empirical_sensitivity(np.std, db) == pytest.approx(course_loop_sensitivity(np.std, db), abs=1e-15)


def test_iris_column_sensitivity_of_the_sum_is_each_column_maximum() -> None:
    from sklearn.datasets import load_iris

    data = load_iris().data
    assert np.array_equal(column_sensitivity(data, "sum"), np.abs(data).max(axis=0))


def test_neighbours_are_lazy_views_of_the_right_rows() -> None:
    db = make_database(50, seed=4)
    neighbours = neighbouring_databases(db)
    assert len(neighbours) == 50
    assert np.array_equal(neighbours[3], np.delete(db, 3))
    assert all(np.array_equal(a, b) for a, b in zip(parallel_databases(db), neighbours, strict=True))
    with pytest.raises(ValueError, match="parallel_databases"):
        parallel_databases(np.zeros(30_000))


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: empirical_sensitivity("median", [1, 2]), ValueError),
        (lambda: empirical_sensitivity("sum", [[1, 2], [3, 4]]), ValueError),
        (lambda: empirical_sensitivity("sum", [1, np.nan]), ValueError),
        (lambda: empirical_sensitivity("threshold", [1, 0]), ValueError),
        (lambda: empirical_sensitivity(3, [1, 0]), TypeError),
        (lambda: make_database(0), ValueError),
        (lambda: make_database(10, p=1.5), ValueError),
        (lambda: make_database(10, seed="x"), TypeError),
    ],
)
def test_bad_arguments_are_refused(call, error) -> None:
    with pytest.raises(error):
        call()


@pytest.mark.parametrize("query", ["sum", "mean", "threshold"])
def test_differencing_attack_recovers_every_row(query: str) -> None:
    db = make_database(2000, seed=5)
    assert attack_every_row(db, query=query).accuracy == 1.0
    assert differencing_attack(db, 17, query=query) == float(db[17])


def test_attack_refuses_a_row_that_does_not_exist() -> None:
    with pytest.raises(ValueError, match="target"):
        differencing_attack([1, 0, 1], 3)
