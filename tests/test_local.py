"""Randomized response: its epsilon, its law, and estimators that are unbiased where the
course's formula is not."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from dplab.databases import make_database
from dplab.global_dp import global_sensitivity, private_query, private_query_experiment
from dplab.local import (
    EXPERIMENT_QUERIES,
    course_deskew,
    estimate_count,
    estimate_mean,
    randomized_response,
    randomized_response_epsilon,
    randomized_response_experiment,
)

ALPHA = 1e-6


def test_epsilon_of_the_fair_coin_is_ln_3() -> None:
    assert randomized_response_epsilon(0.5) == math.log(3)
    assert randomized_response_epsilon(0.75) == math.log(7)
    assert randomized_response_epsilon(1.0) == math.inf


@pytest.mark.parametrize("keep", [0.25, 0.5, 0.9])
def test_answers_follow_the_two_coin_law(keep: float) -> None:
    n = 200_000
    for bit in (0, 1):
        answers = randomized_response(np.full(n, bit, dtype=bool), keep_probability=keep, rng=bit + 10)
        expected = keep * bit + (1 - keep) / 2
        assert stats.binomtest(int(answers.sum()), n, expected).pvalue > ALPHA


def test_the_odds_ratio_is_e_to_the_epsilon() -> None:
    keep = 0.5
    yes_if_one, yes_if_zero = keep + (1 - keep) / 2, (1 - keep) / 2
    assert math.log(yes_if_one / yes_if_zero) == pytest.approx(randomized_response_epsilon(keep))


def _estimates(
    keep: float, p: float, repeats: int = 4000, n: int = 500
) -> tuple[np.ndarray, np.ndarray, float]:
    rng = np.random.default_rng(12)
    ours, course, truths = [], [], []
    for _ in range(repeats):
        db = make_database(n, p, seed=rng)
        answers = randomized_response(db, keep_probability=keep, rng=rng)
        ours.append(estimate_mean(answers, keep_probability=keep) - db.mean())
        course.append(course_deskew(answers.mean()) - db.mean())
        truths.append(db.mean())
    return np.array(ours), np.array(course), float(np.mean(truths))


def _within(errors: np.ndarray, sds: float = 5.0) -> bool:
    """Is the mean error within `sds` standard errors of zero?"""
    return abs(errors.mean()) <= sds * errors.std(ddof=1) / math.sqrt(len(errors))


def test_estimator_is_unbiased_where_the_course_formula_is_not() -> None:
    ours, course, _ = _estimates(keep=0.75, p=0.3)
    assert _within(ours)
    assert not _within(course)
    # With the fair coin both agree for the mean, as the course intended.
    ours, course, _ = _estimates(keep=0.5, p=0.3)
    assert _within(ours) and _within(course)


def test_count_estimator_is_unbiased_and_the_course_formula_doubles_it() -> None:
    rng = np.random.default_rng(13)
    n, errors, naive = 1000, [], []
    for _ in range(3000):
        db = make_database(n, 0.4, seed=rng)
        answers = randomized_response(db, rng=rng)
        errors.append(estimate_count(answers) - db.sum())
        naive.append(course_deskew(answers.sum()) - db.sum())
    assert _within(np.array(errors))
    assert np.mean(naive) > 400  # 2·sum - 0.5 is about the sum plus n/2


def test_experiment_errors_shrink_with_size_for_every_query() -> None:
    result = randomized_response_experiment([100, 10_000], queries=EXPERIMENT_QUERIES, repeats=30, seed=14)
    for query in EXPERIMENT_QUERIES:
        small, large = result.median_error(query)
        assert large < small, query
    for query in ("cumulative sum", "random sum", "log sum"):
        assert result.median_error(query, "original")[-1] > 0.5, query


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: randomized_response([0, 1, 2]), ValueError),
        (lambda: randomized_response([0, 1], keep_probability=0), ValueError),
        (lambda: randomized_response([0, 1], keep_probability=1.5), ValueError),
        (lambda: randomized_response_experiment([10], queries=["median"]), ValueError),
    ],
)
def test_bad_arguments_are_refused(call, error) -> None:
    with pytest.raises(error):
        call()


def test_private_query_is_calibrated_to_global_sensitivity() -> None:
    assert global_sensitivity("sum", 100) == 1
    assert global_sensitivity("mean", 101) == pytest.approx(0.01)
    db = make_database(1000, seed=15)
    result = private_query_experiment(db, "sum", epsilons=[0.5, 2.0], repeats=20_000, rng=15)
    for eps, answers in zip(result.epsilons, result.answers, strict=True):
        # mean absolute Laplace error is the scale 1/ε; its SE is scale/sqrt(N)
        assert abs(answers - db.sum()).mean() == pytest.approx(1 / eps, rel=6 / math.sqrt(20_000))
    with pytest.raises(ValueError, match="epsilon"):
        private_query(db, "sum", epsilon=0)
