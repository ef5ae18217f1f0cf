"""PATE: private aggregation of teacher ensembles (Lesson 6; days 14-22).

The chain: split a data set into remote blocks (each held by a data owner) and a local,
unlabelled block; train one teacher per remote block; label the local block by the
teachers' noisy vote (`noisy_max`); train a student on those labels; and account for the
privacy the labels cost (`perform_analysis`).

The analysis is the moments accountant of Papernot et al., "Semi-supervised knowledge
transfer for deep learning from private training data" (ICLR 2017), with the course's
semantics (PySyft's ``perform_analysis``), computed as pure vectorised functions over
queries and orders in log space, as TF Privacy's ``pate_2018/core.py`` does. Where the
reference port breaks (labels not numbered 0..k-1, ``math.exp`` overflowing on large vote
gaps, the log of a negative number swallowed by a print) this one does not; and its smooth
sensitivity is returned instead of discarded.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from dplab.mechanisms import LaplaceMechanism
from dplab.rng import RandomLike, generator
from dplab.validation import positive, probability_open, whole

# --- the data: remote blocks and a local block ------------------------------------------


@dataclass(frozen=True)
class DigitsSplit:
    """scikit-learn's 8x8 digits (pixels scaled to [0, 1]) split for PATE.

    ``remote`` holds the data owners' blocks, ``local`` the student's unlabelled block (its
    true labels are kept only to measure accuracy), and ``test`` a held-out set that
    neither teachers nor student ever train on.
    """

    remote: tuple[tuple[np.ndarray, np.ndarray], ...]
    local: tuple[np.ndarray, np.ndarray]
    test: tuple[np.ndarray, np.ndarray]

    def plot_samples(self, per_block: int = 8) -> Figure:
        from dplab.plots import digit_blocks

        return digit_blocks([*self.remote, self.local], per_block=per_block)

    def plot_class_distribution(self) -> Figure:
        from dplab.plots import class_distribution

        return class_distribution([y for _, y in (*self.remote, self.local)])


def split_digits(n_blocks: int = 11, *, test_size: float = 0.2, seed: RandomLike = None) -> DigitsSplit:
    """Shuffle the 1797 digits, hold out ``test_size`` of them, and cut the rest into
    ``n_blocks`` equal blocks: the first ``n_blocks - 1`` remote, the last local (day 19)."""
    from sklearn.datasets import load_digits

    whole(n_blocks, "n_blocks", minimum=2)
    if not 0 < test_size < 1:
        raise ValueError(f"test_size must lie in (0, 1), got {test_size}")
    digits = load_digits()
    order = generator(seed).permutation(len(digits.target))
    x, y = digits.data[order] / 16.0, digits.target[order]
    n_test = round(test_size * len(y))
    blocks = np.array_split(np.arange(n_test, len(y)), n_blocks)
    parts = tuple((x[b], y[b]) for b in blocks)
    return DigitsSplit(remote=parts[:-1], local=parts[-1], test=(x[:n_test], y[:n_test]))


# --- the teachers ----------------------------------------------------------------------------


def teacher_models(seed: int = 0) -> list[tuple[str, object]]:
    """Ten different scikit-learn classifiers with their default hyper-parameters (day 20:
    too little data per block to tune them), seeded where they are random."""
    from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
    from sklearn.ensemble import ExtraTreesClassifier, RandomForestClassifier
    from sklearn.linear_model import LogisticRegression, RidgeClassifier
    from sklearn.naive_bayes import GaussianNB
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.neural_network import MLPClassifier
    from sklearn.svm import SVC
    from sklearn.tree import DecisionTreeClassifier

    return [
        ("logistic regression", LogisticRegression(max_iter=2000)),
        ("k nearest neighbours", KNeighborsClassifier()),
        ("support vector machine", SVC(random_state=seed)),
        ("decision tree", DecisionTreeClassifier(random_state=seed)),
        ("random forest", RandomForestClassifier(n_estimators=100, random_state=seed)),
        ("extra trees", ExtraTreesClassifier(n_estimators=100, random_state=seed)),
        ("gaussian naive bayes", GaussianNB()),
        ("linear discriminant", LinearDiscriminantAnalysis()),
        ("ridge classifier", RidgeClassifier()),
        ("multi-layer perceptron", MLPClassifier(max_iter=1000, random_state=seed)),
    ]


@dataclass(frozen=True)
class Teachers:
    """One trained classifier per remote block."""

    names: tuple[str, ...]
    models: tuple[object, ...]

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Teacher votes, shape (teachers, examples)."""
        return np.stack([np.asarray(m.predict(x)) for m in self.models]).astype(np.int64)  # type: ignore[attr-defined]

    def accuracy(self, x: np.ndarray, y: np.ndarray) -> dict[str, float]:
        """Each teacher's accuracy on labelled data it never saw."""
        return {n: float(np.mean(p == y)) for n, p in zip(self.names, self.predict(x), strict=True)}


def train_teachers(split: DigitsSplit, *, seed: int = 0) -> Teachers:
    """Train teacher k on remote block k (day 20)."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    models = teacher_models(seed)
    if len(models) < len(split.remote):
        raise ValueError(f"{len(split.remote)} remote blocks but only {len(models)} teacher models")
    trained = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for (_, model), (x, y) in zip(models, split.remote, strict=False):
            trained.append(model.fit(x, y))  # type: ignore[attr-defined]
    names = tuple(name for name, _ in models[: len(trained)])
    return Teachers(names, tuple(trained))


# --- aggregation ------------------------------------------------------------------------------


def _labels(teacher_preds: object) -> tuple[np.ndarray, int]:
    """The labels as a platform-integer array, checked, and the largest of them."""
    preds = np.asarray(teacher_preds)
    if preds.ndim != 2 or preds.size == 0:
        raise ValueError(f"teacher_preds must be a non-empty teachers x examples array, not {preds.shape}")
    if np.issubdtype(preds.dtype, np.floating):
        if not np.all(np.isfinite(preds)) or np.any(preds != np.floor(preds)):
            raise ValueError("teacher_preds must hold integer labels")
    elif not np.issubdtype(preds.dtype, np.integer):
        raise ValueError(f"teacher_preds must hold integer labels, got dtype {preds.dtype}")
    preds = preds.astype(np.intp, copy=False)
    largest = _largest_unsigned(preds)
    if largest > np.iinfo(np.intp).max:
        raise ValueError("teacher_preds must hold non-negative labels")
    return preds, largest


def _largest_unsigned(values: np.ndarray) -> int:
    """max of platform integers read as unsigned: one pass that both finds the largest
    value and, by wrapping negative values round to huge ones, reveals any below zero."""
    return int(values.view(np.uintp).max())


def _classes(largest: int, num_classes: int | None) -> int:
    classes = largest + 1 if num_classes is None else whole(num_classes, "num_classes")
    if largest >= classes:
        raise ValueError(f"num_classes={classes} but a teacher voted for label {largest}")
    return classes


def _count(preds: np.ndarray, classes: int) -> np.ndarray:
    examples = preds.shape[1]
    flat = preds + np.arange(0, examples * classes, classes)  # example i's classes start at i·k
    return np.bincount(flat.ravel(), minlength=examples * classes).reshape(examples, classes)


def vote_counts(teacher_preds: object, num_classes: int | None = None) -> np.ndarray:
    """Votes per class for every example: shape (examples, classes)."""
    preds, largest = _labels(teacher_preds)
    return _count(preds, _classes(largest, num_classes))


def _votes(votes: object) -> np.ndarray:
    array = np.asarray(votes, dtype=float)
    if array.ndim != 2 or not np.all(np.isfinite(array)):
        raise ValueError("votes must be a finite 2-D array (examples x classes)")
    return array


def noisy_max(votes: object, *, epsilon: float, rng: RandomLike = None) -> np.ndarray:
    """LNMax: the label with the most votes after adding Laplace noise of scale 1/ε to each
    count, through the grid-safe Laplace sampler (day 21 uses ε = 0.1)."""
    counts = _votes(votes)
    noisy = LaplaceMechanism(sensitivity=1.0, epsilon=epsilon).randomise(counts, rng)
    return np.argmax(noisy, axis=1)


def gaussian_noisy_max(votes: object, *, sigma: float, rng: RandomLike = None) -> np.ndarray:
    """GNMax (Papernot et al. 2018): the argmax after Gaussian noise of deviation σ."""
    counts = _votes(votes)
    sigma = positive(sigma, "sigma")
    gen = generator(rng)
    return np.argmax(counts + gen.normal(0.0, sigma, counts.shape), axis=1)


def plurality(votes: object) -> np.ndarray:
    """The plain majority label (no privacy): the baseline the noise is measured against."""
    return np.argmax(_votes(votes), axis=1)


# --- the analysis ------------------------------------------------------------------------------


def log_q_noisy_max(counts: np.ndarray, noise_eps: float) -> np.ndarray:
    """log of the bound on Pr[noisy max ≠ plurality winner] per row of vote counts:
    q ≤ Σ_{j ≠ winner} (2 + γ_j)/(4·exp(γ_j)), γ_j = ε·(c_winner - c_j), capped at 1 - 1/k
    (Papernot et al. 2017). In log space, so a gap of thousands of votes is just a very
    negative number instead of an overflow."""
    ordered = np.sort(np.asarray(counts), axis=1)  # the winner last, the runner-up before it
    rows, classes = ordered.shape
    if classes == 1:  # nobody to lose to: q = 0
        return np.full(rows, -np.inf)
    gaps = (ordered[:, -1:] - ordered[:, :-1]) * noise_eps
    terms = np.log(gaps + 2.0) - gaps  # log of (2 + γ)/exp(γ); the 1/4 is applied to the sum
    largest = terms[:, -1:].copy()  # the runner-up's: terms fall as gaps grow
    terms -= largest
    np.exp(terms, out=terms)
    log_q = np.log(terms.sum(axis=1)) + (largest[:, 0] - math.log(4.0))
    return np.minimum(log_q, math.log1p(-1.0 / classes))


def _ceiling(priv_eps: float, orders: np.ndarray) -> np.ndarray:
    """The log-mgf bound of any priv_eps-DP answer whatever the votes: min(ε²l(l+1)/2, ε·l)."""
    return np.minimum(0.5 * priv_eps**2 * orders * (orders + 1), priv_eps * orders)


def logmgf_exact(log_q: np.ndarray, priv_eps: float, orders: np.ndarray) -> np.ndarray:
    """Bound on the log moment generating function of the privacy loss at each order l,
    for a priv_eps-DP mechanism whose outcome differs from the likely one with probability
    q: the minimum of ε²l(l+1)/2, the data-dependent bound of Papernot et al. 2017
    (Theorem 3, valid while q < (e^ε - 1)/(e^2ε - 1)) and ε·l. Shape (queries, orders)."""
    log_q = np.asarray(log_q, dtype=float).reshape(-1, 1)
    ls = np.asarray(orders, dtype=float)
    ceiling = _ceiling(priv_eps, ls)
    q = np.exp(log_q)
    valid = q < 1.0 / (math.exp(priv_eps) + 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_1mq = np.log1p(-q)
        log_ratio = log_1mq - np.log1p(-math.exp(priv_eps) * np.where(valid, q, 0.0))
        data_dependent = np.logaddexp(log_1mq + ls * log_ratio, log_q + priv_eps * ls)
    return np.where(valid, np.minimum(data_dependent, ceiling), ceiling)


def _past_validity(counts: np.ndarray, noise_eps: float, priv_eps: float) -> np.ndarray:
    """Rows whose q certainly fails the data-dependent bound's validity condition, found
    from the top count alone: every gap is at most ε·top and each term of q shrinks as its
    gap grows, so q ≥ (k - 1)·(2 + ε·top)/(4·exp(ε·top)). Such rows cost the ceiling and
    need no q; a margin of 1e-9 leaves borderline rows to the exact path."""
    classes = counts.shape[1]
    if classes == 1:
        return np.zeros(len(counts), dtype=bool)
    gap = noise_eps * counts.max(axis=1)
    log_low = math.log((classes - 1) / 4.0) + np.log(gap + 2.0) - gap
    return log_low >= -math.log(math.exp(priv_eps) + 1.0) + 1e-9


@dataclass(frozen=True)
class PateAnalysis:
    """The privacy cost of a set of noisy-max answers.

    ``rdp`` is the Rényi DP of the answers at ``orders`` (α(l)/l at order l + 1), for
    composing with other RDP costs. The data-dependent ε depends on the private votes, so
    releasing it is itself a leak: ``smooth_sensitivity`` (β-smooth, per moment order) is
    what must be calibrated to before publishing it.
    """

    data_dependent_eps: float
    data_independent_eps: float
    moments: np.ndarray
    total_logmgf: np.ndarray
    orders: np.ndarray
    rdp: np.ndarray
    best_moment: int
    smooth_sensitivity: np.ndarray

    @property
    def eps_smooth_sensitivity(self) -> float:
        """β-smooth sensitivity of the data-dependent ε (at its minimising moment)."""
        k = self.best_moment - 1
        return float(self.smooth_sensitivity[k] / self.moments[k])


@dataclass(frozen=True)
class _Answered:
    """The checked arguments of an analysis: vote counts of the distinct answered rows,
    how many times each was answered, and the number of examples."""

    counts: np.ndarray
    times: np.ndarray
    examples: int
    noise_eps: float
    delta: float
    moments: np.ndarray


def _answered(
    teacher_preds: object,
    indices: object,
    noise_eps: float,
    delta: float,
    moments: int,
    num_classes: int | None,
) -> _Answered:
    preds, largest = _labels(teacher_preds)
    classes = _classes(largest, num_classes)
    noise_eps = positive(noise_eps, "noise_eps")
    delta = probability_open(delta, "delta")
    whole(moments, "moments")
    examples = preds.shape[1]
    rows = np.asarray(indices)
    if rows.ndim != 1 or rows.size == 0 or not np.issubdtype(rows.dtype, np.integer):
        raise ValueError("indices must be a non-empty 1-D array of integer row numbers")
    rows = rows.astype(np.intp, copy=False)
    if _largest_unsigned(rows) >= examples:
        raise ValueError(f"indices must be row numbers in 0..{examples - 1} of teacher_preds")
    times = np.bincount(rows, minlength=examples)
    answered = np.flatnonzero(times)
    if answered.size < examples:  # votes of unanswered rows cost nothing: do not count them
        preds, times = preds[:, answered], times[answered]
    return _Answered(_count(preds, classes), times, examples, noise_eps, delta, np.arange(1.0, moments + 1))


def smooth_sensitivity(counts: np.ndarray, noise_eps: float, moments: np.ndarray, beta: float) -> np.ndarray:
    """β-smooth sensitivity of each query's log-mgf at each moment (Papernot et al. 2017,
    Appendix C.3): max over k of e^(-βk)·LS(k), where LS(k) is how much one more vote moving
    from the winner to the runner-up raises the log-mgf after k such moves. Shape
    (queries, moments)."""
    ordered = -np.sort(-np.asarray(counts, dtype=float), axis=1)
    if ordered.shape[1] == 1:  # one class seen: a changed vote can only go to a new one
        ordered = np.hstack([ordered, np.zeros_like(ordered)])
    top, second = ordered[:, 0], ordered[:, 1]
    k_max = int(np.max(np.ceil((top - second) / 2))) + 1
    best = np.zeros((len(ordered), moments.size))
    priv_eps = 2.0 * noise_eps
    for k in range(k_max + 1):
        alive = top >= second + k
        if not alive.any():
            break
        shifted = ordered[alive].copy()
        shifted[:, 0] -= k
        shifted[:, 1] += k
        before = logmgf_exact(log_q_noisy_max(shifted, noise_eps), priv_eps, moments)
        shifted[:, 0] -= 1
        shifted[:, 1] += 1
        after = logmgf_exact(log_q_noisy_max(shifted, noise_eps), priv_eps, moments)
        best[alive] = np.maximum(best[alive], math.exp(-beta * k) * (after - before))
    return best


def _eps_bounds(answered: _Answered) -> tuple[np.ndarray, np.ndarray]:
    """Σ logmgf over the answered rows, and the data-independent ε at each moment."""
    priv_eps = 2.0 * answered.noise_eps  # one vote moving changes two counts: 2·noise_eps-DP
    ls, counts, times = answered.moments, answered.counts, answered.times
    ceiling = _ceiling(priv_eps, ls)
    total = np.zeros_like(ls)
    past = _past_validity(counts, answered.noise_eps, priv_eps)
    if past.any():
        total += times[past].sum() * ceiling
        counts, times = counts[~past], times[~past]
    if times.size:
        total += times @ logmgf_exact(log_q_noisy_max(counts, answered.noise_eps), priv_eps, ls)
    independent = answered.examples * ceiling
    return total, (independent - math.log(answered.delta)) / ls


def analyse(
    teacher_preds: object,
    indices: object,
    noise_eps: float,
    delta: float = 1e-5,
    moments: int = 8,
    beta: float = 0.09,
    *,
    num_classes: int | None = None,
) -> PateAnalysis:
    """The full PATE analysis behind `perform_analysis`, with the RDP curve and the
    β-smooth sensitivity of the data-dependent ε."""
    answered = _answered(teacher_preds, indices, noise_eps, delta, moments, num_classes)
    beta = positive(beta, "beta")
    ls = answered.moments
    total, independent = _eps_bounds(answered)
    eps_by_moment = (total - math.log(answered.delta)) / ls
    # Equal vote histograms have equal sensitivities: compute each distinct one once.
    distinct, inverse = np.unique(-np.sort(-answered.counts, axis=1), axis=0, return_inverse=True)
    per_row = smooth_sensitivity(distinct, answered.noise_eps, ls, beta)[inverse.ravel()]
    return PateAnalysis(
        data_dependent_eps=float(eps_by_moment.min()),
        data_independent_eps=float(independent.min()),
        moments=ls,
        total_logmgf=total,
        orders=ls + 1,
        rdp=total / ls,
        best_moment=int(np.argmin(eps_by_moment)) + 1,
        smooth_sensitivity=answered.times @ per_row,
    )


def perform_analysis(
    teacher_preds: object,
    indices: object,
    noise_eps: float,
    delta: float = 1e-5,
    moments: int = 8,
    beta: float = 0.09,
    *,
    num_classes: int | None = None,
) -> tuple[float, float]:
    """``(data_dependent_eps, data_independent_eps)`` with the course's semantics.

    ``teacher_preds`` is teachers × examples of integer labels; ``indices`` are the row
    numbers of the answered queries (analysed once each time they appear); ``noise_eps``
    is the ε of the Laplace noise per count. ε = min over l = 1..moments of
    (Σ logmgf - ln δ)/l. The data-independent bound charges every one of the examples, as
    the course's does. ``num_classes`` defaults to the largest label + 1. ``beta`` is
    accepted for the course's signature; the smooth sensitivity it sets is in `analyse`.
    """
    answered = _answered(teacher_preds, indices, noise_eps, delta, moments, num_classes)
    positive(beta, "beta")
    total, independent = _eps_bounds(answered)
    return float(((total - math.log(answered.delta)) / answered.moments).min()), float(independent.min())


def label_agreement(labels: Sequence[int] | np.ndarray, truth: Sequence[int] | np.ndarray) -> float:
    """Share of labels equal to the truth."""
    return float(np.mean(np.asarray(labels) == np.asarray(truth)))


__all__ = [
    "DigitsSplit",
    "PateAnalysis",
    "Teachers",
    "analyse",
    "gaussian_noisy_max",
    "label_agreement",
    "noisy_max",
    "perform_analysis",
    "plurality",
    "smooth_sensitivity",
    "split_digits",
    "teacher_models",
    "train_teachers",
    "vote_counts",
]
