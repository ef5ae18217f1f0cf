"""Random generators from seeds: every random function in dplab takes ``rng``/``seed``."""

from __future__ import annotations

import numpy as np

RandomLike = int | np.random.Generator | None


def generator(rng: RandomLike) -> np.random.Generator:
    """A numpy Generator from an int seed, a Generator (used as is) or None.

    None draws a seed from numpy's global state, as scikit-learn does for
    ``random_state=None``: random in a REPL, reproducible under ``np.random.seed`` (the
    journal seeds it before every snippet).
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        return np.random.default_rng(np.random.randint(0, 2**31 - 1))
    if isinstance(rng, bool) or not isinstance(rng, int | np.integer):
        raise TypeError(f"rng/seed must be an int, a numpy Generator or None, got {type(rng).__name__}")
    if rng < 0:
        raise ValueError(f"seed must be non-negative, got {rng}")
    return np.random.default_rng(int(rng))
