"""PATE: known answers from the course, the cases that crash the reference port, a
cross-check against a plain loop of the paper's equations, and the end-to-end chain."""

from __future__ import annotations

import math
import sys

import numpy as np
import pytest
from scipy import stats

from dplab.pate import (
    _past_validity,
    analyse,
    label_agreement,
    log_q_noisy_max,
    noisy_max,
    perform_analysis,
    plurality,
    smooth_sensitivity,
    split_digits,
    train_teachers,
    vote_counts,
)
from tests.conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
import pate_reference  # the loop baseline lives with the benchmark


def course_example(unanimous: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(2019)
    preds = (rng.random((100, 100)) * 10).astype(int)
    indices = (rng.random(100) * 10).astype(int)
    preds[:, 0:unanimous] = 0
    return preds, indices


def test_course_example_known_answers() -> None:
    preds, indices = course_example(10)
    dependent, independent = perform_analysis(preds, indices, noise_eps=0.1, delta=1e-5, moments=8)
    assert independent == pytest.approx(11.756462732485115, rel=1e-9)
    assert dependent == pytest.approx(1.52655213289881, rel=1e-9)
    preds, indices = course_example(50)
    dependent, _ = perform_analysis(preds, indices, noise_eps=0.1, delta=1e-5, moments=20)
    assert dependent == pytest.approx(0.9029013677789843, rel=1e-9)


def test_labels_not_numbered_from_zero_do_not_crash() -> None:
    rng = np.random.default_rng(1)
    preds = rng.choice([1, 2, 3, 9], size=(50, 40))
    dependent, independent = perform_analysis(preds, np.arange(40), noise_eps=0.2)
    assert 0 < dependent <= independent * (1 + 1e-12)
    assert math.isfinite(dependent)


def test_huge_vote_gaps_do_not_overflow() -> None:
    preds = np.zeros((1000, 30), dtype=int)
    dependent, independent = perform_analysis(preds, np.arange(30), noise_eps=1.0, num_classes=10)
    assert math.isfinite(dependent) and dependent < independent
    # q underflows to 0: the cost is only the -ln(δ)/l term at the largest moment
    assert dependent == pytest.approx(math.log(1e5) / 8, rel=1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_matches_a_plain_loop_of_the_papers_equations(seed: int) -> None:
    rng = np.random.default_rng(seed)
    teachers, examples, classes = rng.integers(5, 60), rng.integers(5, 40), rng.integers(2, 12)
    preds = rng.integers(0, classes, size=(teachers, examples))
    preds[:, : examples // 2] = rng.integers(0, classes)  # some agreement
    indices = rng.integers(0, examples, size=rng.integers(1, 60))
    noise_eps = float(rng.choice([0.05, 0.1, 0.5, 1.0, 3.0]))
    moments = int(rng.integers(1, 25))
    ours = perform_analysis(preds, indices, noise_eps, 1e-5, moments, num_classes=int(classes))
    reference = pate_reference.analysis(
        preds.tolist(), indices.tolist(), noise_eps, 1e-5, moments, int(classes)
    )
    assert ours == pytest.approx(reference, rel=1e-9)


def test_smooth_sensitivity_matches_the_loop_and_the_rdp_curve_is_consistent() -> None:
    preds, indices = course_example(30)
    result = analyse(preds, indices, noise_eps=0.1, moments=10, beta=0.09)
    counts = vote_counts(preds, 10)
    per_query = smooth_sensitivity(counts, 0.1, result.moments, 0.09)
    for i in (0, 40, 77):
        for k, order in enumerate(result.moments):
            expected = pate_reference.smoothed_sensitivity(counts[i].tolist(), 0.1, order, 0.09)
            assert per_query[i, k] == pytest.approx(expected, rel=1e-9, abs=1e-15)
    assert np.all(result.smooth_sensitivity >= 0)
    assert np.allclose(result.rdp * result.moments, result.total_logmgf)
    assert np.array_equal(result.orders, result.moments + 1)
    eps = (result.total_logmgf - math.log(1e-5)) / result.moments
    assert result.data_dependent_eps == eps.min()
    assert result.best_moment == int(np.argmin(eps)) + 1
    best = result.best_moment - 1
    assert result.eps_smooth_sensitivity == result.smooth_sensitivity[best] / result.moments[best]


@pytest.mark.parametrize("noise_eps", [0.02, 0.1, 0.5])
def test_split_votes_cost_the_ceiling_without_computing_q(noise_eps: float) -> None:
    """Queries whose top count already forces q past the validity condition are charged the
    data-independent bound directly: the total must still equal the loop's."""
    rng = np.random.default_rng(7)
    preds = rng.integers(0, 10, size=(60, 300))
    preds[:, :100] = 3  # unanimous rows, flagged only when the noise drowns 60 votes
    flagged = _past_validity(vote_counts(preds, 10), noise_eps, 2 * noise_eps)
    assert flagged[100:].any() and flagged[:100].all() == (noise_eps < 0.05)
    indices = np.arange(300)
    reference = pate_reference.analysis(preds.tolist(), indices.tolist(), noise_eps, 1e-5, 8, 10)
    assert perform_analysis(preds, indices, noise_eps) == pytest.approx(reference, rel=1e-9)


@pytest.mark.parametrize("classes", [2, 3, 10, 100])
def test_the_shortcut_flags_only_queries_past_validity(classes: int) -> None:
    """A row whose other classes have no votes has q equal to the shortcut's lower bound, so
    a grid of them shows the bound is never loose (flagged ⇒ q ≥ threshold) and is used
    wherever it can be (q clearly past the threshold ⇒ flagged)."""
    rng = np.random.default_rng(classes)
    tops = np.arange(0, 400)
    lone = np.zeros((tops.size, classes))
    lone[:, 0] = tops
    mixed = rng.integers(0, 50, size=(400, classes))
    for noise_eps in np.geomspace(0.005, 2.0, 40):
        threshold = 1 / (math.exp(2 * noise_eps) + 1)
        for counts in (lone, mixed):
            flagged = _past_validity(counts, noise_eps, 2 * noise_eps)
            q = np.exp(log_q_noisy_max(counts, noise_eps))
            assert np.all(q[flagged] >= threshold)
        q = np.exp(log_q_noisy_max(lone, noise_eps))
        assert np.all(_past_validity(lone, noise_eps, 2 * noise_eps)[q >= threshold * (1 + 1e-6)])


def test_unanswered_rows_only_count_towards_the_data_independent_bound() -> None:
    rng = np.random.default_rng(8)
    preds = rng.integers(0, 4, size=(40, 50))
    preds[:, :20] = 1
    indices = np.array([3, 3, 7, 19, 25, 3])
    answered = np.unique(indices)
    dependent, independent = perform_analysis(preds, indices, 0.1)
    on_answered, _ = perform_analysis(preds[:, answered], np.searchsorted(answered, indices), 0.1)
    assert dependent == pytest.approx(on_answered, rel=1e-12)
    assert perform_analysis(preds, indices.astype(np.uint16), 0.1) == (dependent, independent)
    _, all_fifty = perform_analysis(preds, np.arange(50), 0.1)
    assert independent == all_fifty
    preds[0, 40] = -2  # an unanswered row is still checked
    with pytest.raises(ValueError, match="teacher_preds"):
        perform_analysis(preds, indices, 0.1)


@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.uint16, np.int64, np.float32])
def test_vote_counts_take_any_integer_valued_dtype(dtype: type) -> None:
    preds = np.array([[0, 1, 2], [0, 2, 2], [1, 1, 2]], dtype=dtype)
    assert np.array_equal(vote_counts(preds), [[2, 1, 0], [0, 2, 1], [0, 0, 3]])
    if np.issubdtype(dtype, np.signedinteger) or np.issubdtype(dtype, np.floating):
        preds[1, 1] = -1
        with pytest.raises(ValueError, match="non-negative"):
            vote_counts(preds)


def test_vote_counts_count_every_vote() -> None:
    preds = np.array([[0, 1, 2], [0, 2, 2], [1, 1, 2]])
    assert np.array_equal(vote_counts(preds, 3), [[2, 1, 0], [0, 2, 1], [0, 0, 3]])


def test_noisy_max_keeps_the_winner_with_the_laplace_probability() -> None:
    """Two classes, gap d, Laplace scale b: the winner survives with probability
    1 - e^(-d/b)(1 + d/(2b))/2 (the difference of two Laplace variables)."""
    votes = np.tile([7.0, 4.0], (100_000, 1))
    epsilon = 0.5
    kept = int((noisy_max(votes, epsilon=epsilon, rng=3) == 0).sum())
    d, b = 3.0, 1 / epsilon
    expected = 1 - math.exp(-d / b) * (1 + d / (2 * b)) / 2
    assert stats.binomtest(kept, len(votes), expected).pvalue > 1e-6


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: perform_analysis(np.array([[0.5, 1.0]]), [0], 0.1), "teacher_preds"),
        (lambda: perform_analysis(np.array([[-1, 1]]), [0], 0.1), "teacher_preds"),
        (lambda: perform_analysis(np.array([0, 1]), [0], 0.1), "teacher_preds"),
        (lambda: perform_analysis(np.array([[0, 1]]), [2], 0.1), "indices"),
        (lambda: perform_analysis(np.array([[0, 1]]), [-1], 0.1), "indices"),
        (lambda: perform_analysis(np.array([[0, 1]]), [0.5], 0.1), "indices"),
        (lambda: perform_analysis(np.array([[0, 1]]), [0], 0.0), "noise_eps"),
        (lambda: perform_analysis(np.array([[0, 1]]), [0], -1), "noise_eps"),
        (lambda: perform_analysis(np.array([[0, 5]]), [0], 0.1, num_classes=3), "num_classes"),
        (lambda: noisy_max(np.ones((2, 3)), epsilon=0), "epsilon"),
    ],
)
def test_bad_arguments_raise_naming_the_argument(call, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        call()


@pytest.fixture(scope="module")
def chain() -> dict:
    split = split_digits(n_blocks=11, seed=19)
    teachers = train_teachers(split, seed=20)
    return {"split": split, "teachers": teachers}


def test_split_is_a_disjoint_partition(chain: dict) -> None:
    split = chain["split"]
    parts = [*split.remote, split.local, split.test]
    assert len(split.remote) == 10
    assert sum(len(y) for _, y in parts) == 1797
    from sklearn.datasets import load_digits

    everything = np.concatenate([np.column_stack([x, y]) for x, y in parts])
    digits = load_digits()
    expected = np.column_stack([digits.data / 16.0, digits.target])
    assert np.array_equal(np.unique(everything, axis=0), np.unique(expected, axis=0))
    assert np.array_equal(split_digits(seed=19).local[1], split.local[1])
    assert not np.array_equal(split_digits(seed=20).local[1], split.local[1])


def test_teachers_and_their_noisy_labels(chain: dict) -> None:
    split, teachers = chain["split"], chain["teachers"]
    accuracy = teachers.accuracy(*split.test)
    assert len(accuracy) == 10 and len(set(accuracy)) == 10
    assert sorted(accuracy.values())[-8] > 0.8  # eight of ten teachers above 80 %
    x, y = split.local
    votes = vote_counts(teachers.predict(x), 10)
    assert label_agreement(plurality(votes), y) > 0.9
    assert label_agreement(noisy_max(votes, epsilon=1.0, rng=1), y) > 0.85
    assert label_agreement(noisy_max(votes, epsilon=0.1, rng=1), y) < 0.6  # scale 10 vs 10 votes


def test_student_learns_from_teacher_labels(chain: dict) -> None:
    from dplab.student import compare_students

    split, teachers = chain["split"], chain["teachers"]
    x, y = split.local
    votes = vote_counts(teachers.predict(x), 10)
    result = compare_students(x, {"majority": plurality(votes), "true": y}, *split.test, epochs=40, seed=3)
    assert result.runs["true"].final_accuracy > 0.85
    assert result.runs["majority"].final_accuracy > 0.8
    assert result.runs["true"].losses[-1] < result.runs["true"].losses[0]
