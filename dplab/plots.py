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
