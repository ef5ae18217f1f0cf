"""The Laplace and Gaussian mechanisms, with their privacy stated next to their noise.

Each mechanism is a small frozen object holding its epsilon, delta, sensitivity and noise
scale (OpenDP's and diffprivlib's manners): the claim and the noise cannot drift apart.
``laplace()`` and ``gaussian()`` are the one-call forms.

Floating point. Adding textbook floating-point Laplace noise leaks the input: the set of
floats that ``x + Y`` can produce depends on ``x`` (Mironov, "On significance of the least
significant bits for differential privacy", CCS 2012). Here every output lies on a grid of
spacing ``g = 2**k`` that does not depend on the input: the input is rounded to the grid
and the noise is drawn on it, a discrete Laplace as the difference of two geometric
variables (Inusah & Kozubowski 2006; OpenDP samples the same law on a power-of-two grid,
Canonne, Kamath & Steinke 2020). Rounding can move two neighbouring inputs apart by one
extra grid step, so the noise is calibrated to sensitivity ``Δ + g``; with ``g`` at most
``Δ·2**-20`` that costs under a millionth of the noise. numpy's own geometric and normal
samplers use floating point internally, so the probabilities are not exact to the last
bit as OpenDP's are, but the support never reveals the input. The raw numpy path survives
only as `laplace_unsafe_float`, for the comparison on day 8.

The Gaussian mechanism uses the analytic calibration of Balle & Wang (ICML 2018), exact
for every epsilon; the classic ``σ = √(2 ln(1.25/δ))·Δ/ε`` holds only for ε < 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import optimize, special

from dplab.rng import RandomLike, generator
from dplab.validation import finite_array, non_negative, positive, probability_open

GRID_BITS = 20  # grid spacing: the power of two at most min(Δ, scale) / 2**GRID_BITS


def grid_spacing(sensitivity: float, scale: float) -> float:
    """The power-of-two grid the outputs live on, fine enough to be invisible beside the
    noise and the sensitivity."""
    reference = min(sensitivity, scale) if sensitivity > 0 else scale
    return 2.0 ** (math.floor(math.log2(reference)) - GRID_BITS)


def _on_grid(value: np.ndarray, spacing: float) -> np.ndarray:
    return np.rint(value / spacing)


def _finish(grid_units: np.ndarray, spacing: float, like: np.ndarray) -> np.ndarray | float:
    out = grid_units * spacing
    return float(out) if like.ndim == 0 else out


@dataclass(frozen=True)
class LaplaceMechanism:
    """ε-DP Laplace noise for a query of L1 sensitivity ``sensitivity``.

    ``scale`` is the noise scale b actually used, (Δ + g)/ε; ``granularity`` is the grid
    spacing g (chosen automatically unless given, as a power of two).
    """

    sensitivity: float
    epsilon: float
    granularity: float | None = None
    delta: float = field(default=0.0, init=False)

    def __post_init__(self) -> None:
        non_negative(self.sensitivity, "sensitivity")
        positive(self.epsilon, "epsilon")
        if self.granularity is None:
            nominal = self.sensitivity / self.epsilon if self.sensitivity > 0 else 1.0
            object.__setattr__(self, "granularity", grid_spacing(self.sensitivity, nominal))
        else:
            spacing = positive(self.granularity, "granularity")
            if math.log2(spacing) != round(math.log2(spacing)):
                raise ValueError(f"granularity must be a power of two, got {spacing}")

    @property
    def scale(self) -> float:
        return 0.0 if self.sensitivity == 0 else (self.sensitivity + self.granularity) / self.epsilon

    @property
    def _decay(self) -> float:
        """q = exp(-g/b): P(K = k) ∝ q^|k| on the grid."""
        return math.exp(-self.granularity / self.scale)

    @property
    def variance(self) -> float:
        """Exact variance of the noise, 2q/(1-q)²·g² (→ 2b² as the grid gets finer)."""
        if self.sensitivity == 0:
            return 0.0
        q = self._decay
        return 2 * q / (1 - q) ** 2 * self.granularity**2

    @property
    def bias(self) -> float:
        """The noise has mean 0; only rounding to the grid moves a value, by at most g/2."""
        return 0.0

    def noise_units(self, size: int | tuple[int, ...] | None, rng: RandomLike = None) -> np.ndarray:
        """Draws of the noise in grid units (integers, discrete Laplace law)."""
        gen = generator(rng)
        if self.sensitivity == 0:
            return np.zeros(size or ())
        p = -math.expm1(-self.granularity / self.scale)  # 1 - q, accurate for small p
        return np.asarray(gen.geometric(p, size) - gen.geometric(p, size), dtype=float)

    def randomise(self, value: object, rng: RandomLike = None) -> np.ndarray | float:
        """``value`` (a number or an array) with independent noise on each entry."""
        array = finite_array(value, "value")
        units = _on_grid(array, self.granularity) + self.noise_units(array.shape or None, rng)
        return _finish(units, self.granularity, array)

    __call__ = randomise


def analytic_gaussian_sigma(sensitivity: float, epsilon: float, delta: float) -> float:
    """The smallest σ for which Gaussian noise is (ε, δ)-DP (Balle & Wang 2018, Thm. 8):
    Φ(Δ/(2σ) - εσ/Δ) - e^ε·Φ(-Δ/(2σ) - εσ/Δ) ≤ δ, solved to machine precision."""

    def excess(log_sigma: float) -> float:
        sigma = math.exp(log_sigma)
        a = sensitivity / (2 * sigma) - epsilon * sigma / sensitivity
        b = -sensitivity / (2 * sigma) - epsilon * sigma / sensitivity
        return float(special.ndtr(a) - math.exp(epsilon + special.log_ndtr(b)) - delta)

    low, high = math.log(sensitivity) - 10, math.log(sensitivity) + 10
    while excess(low) < 0:
        low -= 10
    while excess(high) > 0:
        high += 10
    return math.exp(optimize.brentq(excess, low, high, xtol=1e-15, rtol=4 * np.finfo(float).eps))


def gaussian_sigma(*, sensitivity: float, epsilon: float, delta: float, analytic: bool = True) -> float:
    """σ of the Gaussian mechanism for L2 sensitivity Δ at (ε, δ).

    ``analytic=True`` (default): Balle & Wang's exact calibration, valid for any ε > 0.
    ``analytic=False``: the classic √(2 ln(1.25/δ))·Δ/ε (Dwork & Roth, Thm. A.1), which is
    proven only for ε < 1 and is refused otherwise.
    """
    delta_ = non_negative(sensitivity, "sensitivity")
    epsilon = positive(epsilon, "epsilon")
    delta = probability_open(delta, "delta")
    if delta_ == 0:
        return 0.0
    if analytic:
        return analytic_gaussian_sigma(delta_, epsilon, delta)
    if epsilon >= 1:
        raise ValueError(f"the classic Gaussian bound holds only for epsilon < 1, got {epsilon}")
    return math.sqrt(2 * math.log(1.25 / delta)) * delta_ / epsilon


@dataclass(frozen=True)
class GaussianMechanism:
    """(ε, δ)-DP Gaussian noise for a query of L2 sensitivity ``sensitivity``.

    Outputs lie on a power-of-two grid (the noise, drawn for sensitivity Δ + g, is rounded
    to it: post-processing), so the set of possible outputs does not reveal the input.
    """

    sensitivity: float
    epsilon: float
    delta: float
    analytic: bool = True

    def __post_init__(self) -> None:
        gaussian_sigma(
            sensitivity=self.sensitivity, epsilon=self.epsilon, delta=self.delta, analytic=self.analytic
        )

    @property
    def granularity(self) -> float:
        nominal = gaussian_sigma(
            sensitivity=self.sensitivity or 1.0,
            epsilon=self.epsilon,
            delta=self.delta,
            analytic=self.analytic,
        )
        return grid_spacing(self.sensitivity, nominal)

    @property
    def scale(self) -> float:
        """σ, calibrated for sensitivity Δ + g."""
        if self.sensitivity == 0:
            return 0.0
        return gaussian_sigma(
            sensitivity=self.sensitivity + self.granularity,
            epsilon=self.epsilon,
            delta=self.delta,
            analytic=self.analytic,
        )

    @property
    def variance(self) -> float:
        return self.scale**2

    @property
    def bias(self) -> float:
        return 0.0

    def randomise(self, value: object, rng: RandomLike = None) -> np.ndarray | float:
        """``value`` (a number or an array) with independent noise on each entry."""
        array = finite_array(value, "value")
        gen = generator(rng)
        spacing = self.granularity
        noise = gen.normal(0.0, self.scale, array.shape or None) if self.scale else np.zeros(array.shape)
        units = _on_grid(array, spacing) + np.rint(noise / spacing)
        return _finish(units, spacing, array)

    __call__ = randomise


def laplace(
    value: object, *, sensitivity: float, epsilon: float, rng: RandomLike = None
) -> np.ndarray | float:
    """``value`` plus ε-DP Laplace noise on a safe grid (see `LaplaceMechanism`)."""
    return LaplaceMechanism(sensitivity, epsilon).randomise(value, rng)


def gaussian(
    value: object, *, sensitivity: float, epsilon: float, delta: float, rng: RandomLike = None
) -> np.ndarray | float:
    """``value`` plus (ε, δ)-DP Gaussian noise, analytic σ (see `GaussianMechanism`)."""
    return GaussianMechanism(sensitivity, epsilon, delta).randomise(value, rng)


def laplace_unsafe_float(
    value: object, *, sensitivity: float, epsilon: float, rng: RandomLike = None
) -> np.ndarray | float:
    """Textbook ``value + numpy.laplace(Δ/ε)`` in floating point. UNSAFE: its outputs can
    reveal the input (Mironov 2012). Kept only to show and measure the difference."""
    array = finite_array(value, "value")
    scale = non_negative(sensitivity, "sensitivity") / positive(epsilon, "epsilon")
    out = array + generator(rng).laplace(0.0, scale, array.shape or None)
    return float(out) if array.ndim == 0 else out
