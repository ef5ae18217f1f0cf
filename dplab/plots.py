"""One function per figure the journal shows; each returns a matplotlib Figure.

Figures are made through pyplot so a notebook or the journal (which renders every open
pyplot figure) shows them; none is saved or shown here.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from dplab.databases import make_database
from dplab.rng import RandomLike, generator

COLOURS = ("#3f51b5", "#e65100", "#2e7d32", "#ad1457", "#00838f", "#6d4c41")


def database_density(
    n: int = 5000, ps: Sequence[float] = (0.5, 0.7), *, draws: int = 1000, seed: RandomLike = None
) -> Figure:
    """Day 2: how the probability ``p`` shapes a database of ``n`` bits.

    Left, the share of ones and zeros in one database per ``p``; right, the density of the
    share of ones over ``draws`` independent databases per ``p`` (the sampling distribution
    the course's single database is one draw from).
    """
    rng = generator(seed)
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.4), layout="constrained")
    width = 0.8 / len(ps)
    for k, p in enumerate(ps):
        db = make_database(n, p, seed=rng)
        shares = [1 - db.mean(), db.mean()]
        left.bar(
            np.arange(2) + (k - (len(ps) - 1) / 2) * width,
            shares,
            width,
            label=f"p = {p}",
            color=COLOURS[k % len(COLOURS)],
        )
        means = rng.binomial(n, p, size=draws) / n
        right.hist(
            means, bins=40, density=True, alpha=0.75, label=f"p = {p}", color=COLOURS[k % len(COLOURS)]
        )
    left.set_xticks([0, 1], ["0 (no)", "1 (yes)"])
    left.set_ylabel("share of rows")
    left.set_title(f"One database of {n:,} rows")
    left.legend()
    right.set_xlabel("share of ones in a database")
    right.set_ylabel("density")
    right.set_title(f"{draws:,} databases of {n:,} rows")
    right.legend()
    fig.suptitle("Databases drawn with different probabilities of a one")
    return fig


def sensitivity_by_size(
    sizes: Sequence[int] = (10, 100, 1_000, 10_000), *, seed: RandomLike = None
) -> Figure:
    """Day 4: the empirical sensitivity of sum, mean and threshold as the database grows."""
    from dplab.sensitivity import empirical_sensitivity

    rng = generator(seed)
    rows = []
    for n in sizes:
        db = make_database(int(n), 0.5, seed=rng)
        rows.append(
            [empirical_sensitivity(q, db, threshold=db.sum() - 1) for q in ("sum", "mean", "threshold")]
        )
    values = np.array(rows)
    fig, ax = plt.subplots(figsize=(6.5, 3.6), layout="constrained")
    for k, name in enumerate(("sum", "mean", "threshold (sum > total - 1)")):
        ax.plot(sizes, values[:, k], marker="o", color=COLOURS[k], label=name)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("rows in the database")
    ax.set_ylabel("empirical sensitivity")
    ax.set_title("How far one person can move each query")
    ax.legend()
    return fig


def column_sensitivities(names: Sequence[str], values: Sequence[float], *, query: str = "sum") -> Figure:
    """Day 5: one bar per column of a table, its empirical sensitivity."""
    fig, ax = plt.subplots(figsize=(6.5, 3.4), layout="constrained")
    bars = ax.bar(list(names), list(values), color=COLOURS[0])
    ax.bar_label(bars, fmt="%.1f")
    ax.set_ylabel(f"sensitivity of the {query}")
    ax.set_title(f"Empirical sensitivity of the {query} per column")
    return fig


def noise_densities(
    mechanisms: dict[str, object], *, samples: int = 200_000, seed: RandomLike = None
) -> Figure:
    """Days 7-8: histograms of each mechanism's noise (added to 0), with its scale."""
    rng = generator(seed)
    fig, ax = plt.subplots(figsize=(6.5, 3.6), layout="constrained")
    for k, (label, mechanism) in enumerate(mechanisms.items()):
        noise = np.asarray(mechanism.randomise(np.zeros(samples), rng))  # type: ignore[attr-defined]
        ax.hist(
            noise,
            bins=200,
            range=(-15, 15),
            density=True,
            histtype="step",
            linewidth=1.6,
            color=COLOURS[k % len(COLOURS)],
            label=f"{label} (scale {mechanism.scale:.2f})",
        )  # type: ignore[attr-defined]
    ax.set_xlabel("noise added to the answer")
    ax.set_ylabel("density")
    ax.set_title("Laplace and Gaussian noise at the same privacy budget")
    ax.legend(fontsize="small")
    return fig


def mean_vs_entries(experiment: object) -> Figure:
    """Day 9: the randomized-response estimate of the mean gets closer as rows grow
    (errors below 1e-5, exact hits, are drawn at 1e-5 for the log scale)."""
    sizes = experiment.sizes  # type: ignore[attr-defined]
    errors = np.maximum(experiment.corrected["mean"], 1e-5)  # type: ignore[attr-defined]
    fig, ax = plt.subplots(figsize=(6.5, 3.6), layout="constrained")
    for r in range(errors.shape[1]):
        ax.scatter(sizes, errors[:, r], s=8, color=COLOURS[0], alpha=0.35)
    ax.plot(sizes, np.median(errors, axis=1), marker="o", color=COLOURS[1], label="median over repeats")
    q = experiment.keep_probability  # type: ignore[attr-defined]
    p = experiment.p  # type: ignore[attr-defined]
    # sd of the estimate is sqrt(P(yes)(1 - P(yes))/n)/q; relative to the true mean p
    yes = q * p + (1 - q) / 2
    ax.plot(
        sizes,
        np.sqrt(yes * (1 - yes) / sizes) / q / p * np.sqrt(2 / np.pi),
        "--",
        color="0.3",
        label="expected error, √(P(yes)(1−P(yes))/n)/q",
    )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("rows in the database")
    ax.set_ylabel("relative error of the mean")
    ax.set_title("Randomized response: error of the private mean")
    ax.legend(fontsize="small")
    return fig


def estimator_errors(experiment: object, *, floor: float = 1e-4) -> Figure:
    """Day 10: each query's own estimator (solid) against the course's 2·q - 0.5 (dashed).
    Errors below ``floor`` are drawn at the floor so the log scale can show them."""
    fig, ax = plt.subplots(figsize=(7, 4.4), layout="constrained")
    sizes = experiment.sizes  # type: ignore[attr-defined]
    for k, query in enumerate(experiment.queries):  # type: ignore[attr-defined]
        colour = COLOURS[k % len(COLOURS)]
        own = np.maximum(experiment.median_error(query), floor)  # type: ignore[attr-defined]
        old = np.maximum(experiment.median_error(query, "original"), floor)  # type: ignore[attr-defined]
        ax.plot(sizes, own, marker="o", color=colour, label=f"{query}: own estimator")
        ax.plot(sizes, old, ls="--", marker="x", color=colour, label=f"{query}: 2·q − 0.5")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(floor / 2, 3)
    ax.set_xlabel("rows in the database")
    ax.set_ylabel("median relative error")
    ax.set_title("De-skewing randomized response, query by query")
    fig.legend(fontsize="x-small", ncols=3, loc="outside lower center")
    return fig


def private_answers(errors: object) -> Figure:
    """Day 11: the spread of ε-DP answers around the exact one, for each ε."""
    fig, ax = plt.subplots(figsize=(6.5, 3.6), layout="constrained")
    answers = errors.answers  # type: ignore[attr-defined]
    labels = [f"ε = {eps:g}" for eps in errors.epsilons]  # type: ignore[attr-defined]
    ax.boxplot(answers.T, tick_labels=labels, showfliers=False)
    ax.axhline(errors.exact, color=COLOURS[1], ls="--", label=f"exact {errors.query}")  # type: ignore[attr-defined]
    ax.set_ylabel(f"private {errors.query}")  # type: ignore[attr-defined]
    ax.set_title("Laplace mechanism: smaller ε, wider answers")
    ax.legend()
    return fig


def digit_blocks(blocks: Sequence[tuple[np.ndarray, np.ndarray]], *, per_block: int = 8) -> Figure:
    """Day 19: the first images of each block, one row per block (the last is local)."""
    fig, axes = plt.subplots(
        len(blocks), per_block, figsize=(per_block * 0.8, len(blocks) * 0.85), layout="constrained"
    )
    for row, (x, y) in enumerate(blocks):
        for col in range(per_block):
            ax = axes[row, col]
            ax.imshow(x[col].reshape(8, 8), cmap="gray_r", interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title(str(y[col]), fontsize=7, pad=1)
        name = "local" if row == len(blocks) - 1 else f"remote {row + 1}"
        axes[row, 0].set_ylabel(name, rotation=0, ha="right", va="center", fontsize=8)
    fig.suptitle("Samples of each block (true labels above)")
    return fig


def class_distribution(labels: Sequence[np.ndarray]) -> Figure:
    """Day 19: how many images of each digit every block holds."""
    counts = np.array([np.bincount(y, minlength=10) for y in labels])
    fig, ax = plt.subplots(figsize=(7, 3.6), layout="constrained")
    image = ax.imshow(counts, cmap="Blues", aspect="auto")
    for (row, col), value in np.ndenumerate(counts):
        ax.text(
            col,
            row,
            str(value),
            ha="center",
            va="center",
            fontsize=7,
            color="white" if value > counts.max() * 0.6 else "black",
        )
    ax.set_xticks(range(10))
    ax.set_yticks(range(len(labels)), [f"remote {i + 1}" for i in range(len(labels) - 1)] + ["local"])
    ax.set_xlabel("digit")
    ax.set_title("Images per digit in each block")
    fig.colorbar(image, ax=ax, label="images")
    return fig


def label_counts(true_labels: np.ndarray, noisy_labels: np.ndarray, *, epsilon: float) -> Figure:
    """Day 21: labels per digit, true against noisy vote, and how many agree."""
    fig, ax = plt.subplots(figsize=(6.5, 3.4), layout="constrained")
    width = 0.4
    digits = np.arange(10)
    ax.bar(
        digits - width / 2,
        np.bincount(true_labels, minlength=10),
        width,
        label="true labels",
        color=COLOURS[0],
    )
    ax.bar(
        digits + width / 2,
        np.bincount(noisy_labels, minlength=10),
        width,
        label=f"noisy vote, ε = {epsilon:g}",
        color=COLOURS[1],
    )
    agree = np.mean(true_labels == noisy_labels)
    ax.set_xticks(digits)
    ax.set_xlabel("digit")
    ax.set_ylabel("local images")
    ax.set_title(f"Labels of the local block: {agree:.0%} of the noisy ones are right")
    ax.legend()
    return fig


def student_curves(comparison: object) -> Figure:
    """Day 22: the student's held-out accuracy per epoch for each kind of label."""
    fig, (loss_ax, acc_ax) = plt.subplots(1, 2, figsize=(9, 3.5), layout="constrained")
    for k, (name, run) in enumerate(comparison.runs.items()):  # type: ignore[attr-defined]
        colour = COLOURS[k % len(COLOURS)]
        epochs = np.arange(1, len(run.losses) + 1)
        loss_ax.plot(epochs, run.losses, color=colour, label=name)
        acc_ax.plot(epochs, run.test_accuracy, color=colour, label=f"{name}: {run.final_accuracy:.1%}")
    loss_ax.set_xlabel("epoch")
    loss_ax.set_ylabel("training loss")
    loss_ax.set_title("Training on each labeling")
    acc_ax.set_xlabel("epoch")
    acc_ax.set_ylabel("accuracy on held-out digits")
    acc_ax.set_title("Student accuracy")
    acc_ax.legend(fontsize="small")
    return fig


def privacy_by_agreement(unanimous_shares: np.ndarray, dependent: np.ndarray, independent: float) -> Figure:
    """Day 17: the data-dependent ε falls as the teachers agree more; the data-independent
    bound does not move."""
    fig, ax = plt.subplots(figsize=(6.5, 3.4), layout="constrained")
    ax.plot(unanimous_shares, dependent, marker="o", color=COLOURS[0], label="data-dependent ε")
    ax.axhline(independent, color=COLOURS[1], ls="--", label="data-independent ε")
    ax.set_xlabel("share of answered queries where all teachers agree")
    ax.set_ylabel("ε at δ = 1e-5")
    ax.set_yscale("log")
    ax.set_title("PATE: agreement is what makes labels cheap")
    ax.legend()
    return fig


def image_grid(images: object, *, columns: int = 8, title: str = "Images") -> Figure:
    """A grid of images in [-1, 1] (a tensor or array of shape N, C, H, W)."""
    array = np.asarray(images, dtype=float)
    rows = int(np.ceil(len(array) / columns))
    fig, axes = plt.subplots(rows, columns, figsize=(columns * 0.9, rows * 0.9 + 0.4), layout="constrained")
    for ax, image in zip(np.atleast_1d(axes).ravel(), array, strict=False):
        picture = (image.transpose(1, 2, 0) + 1) / 2
        ax.imshow(picture.squeeze(), cmap="gray_r" if picture.shape[-1] == 1 else None, vmin=0, vmax=1)
    for ax in np.atleast_1d(axes).ravel():
        ax.set_axis_off()
    fig.suptitle(title)
    return fig


def gan_losses(runs: dict[str, object]) -> Figure:
    """Discriminator and generator loss per epoch for each GAN run."""
    fig, ax = plt.subplots(figsize=(6.5, 3.4), layout="constrained")
    for k, (name, run) in enumerate(runs.items()):
        colour = COLOURS[k % len(COLOURS)]
        epochs = np.arange(1, len(run.d_losses) + 1)  # type: ignore[attr-defined]
        ax.plot(epochs, run.d_losses, color=colour, label=f"{name}: discriminator")  # type: ignore[attr-defined]
        ax.plot(epochs, run.g_losses, color=colour, ls="--", label=f"{name}: generator")  # type: ignore[attr-defined]
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.set_title("GAN training losses")
    ax.legend(fontsize="small")
    return fig


def dpsgd_curves(runs: dict[str, object]) -> Figure:
    """Held-out accuracy per epoch of DP-SGD runs (labelled with their ε)."""
    fig, ax = plt.subplots(figsize=(6.5, 3.4), layout="constrained")
    for k, (name, run) in enumerate(runs.items()):
        metric = run.history["metric"]  # type: ignore[attr-defined]
        ax.plot(
            np.arange(1, len(metric) + 1),
            metric,
            marker="o",
            markersize=3,
            color=COLOURS[k % len(COLOURS)],
            label=name,
        )
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy on held-out digits")
    ax.set_title("DP-SGD on the digits network")
    ax.legend(fontsize="small")
    return fig


def price_fits(fits: Sequence[object]) -> Figure:
    """Day 24: test RMSE of the log price per epoch; baselines as horizontal lines."""
    fig, ax = plt.subplots(figsize=(6.5, 3.6), layout="constrained")
    for k, result in enumerate(fits):
        curve = result.test_rmse_log  # type: ignore[attr-defined]
        label = f"{result.name}: {result.rmse_log:.3f}"  # type: ignore[attr-defined]
        if len(curve) > 1:
            ax.plot(
                np.arange(1, len(curve) + 1),
                curve,
                marker="o",
                markersize=3,
                color=COLOURS[k % 6],
                label=label,
            )
        else:
            ax.axhline(curve[0], color=COLOURS[k % 6], ls="--", label=label)
    ax.set_xlabel("epoch")
    ax.set_ylabel("test RMSE of log price")
    ax.set_title("House prices: private and non-private networks")
    ax.legend(fontsize="small")
    return fig
