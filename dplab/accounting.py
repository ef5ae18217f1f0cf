"""Privacy accounting for DP-SGD: Rényi DP of the Poisson-subsampled Gaussian mechanism.

Pure functions over arrays of orders (Opacus's and TF Privacy's layout): `subsampled_gaussian_rdp`
computes the RDP ε(α) of one step, which composes over steps by addition, and `rdp_to_epsilon`
converts an RDP curve to (ε, δ) with the bound of Balle et al., "Hypothesis testing
interpretations and Renyi differential privacy" (AISTATS 2020), the one Opacus and
dp-accounting use. `RDPAccountant` is only a record of the steps taken.

The RDP of the sampled Gaussian follows Mironov, Talwar & Zhang, "Rényi differential privacy
of the sampled Gaussian mechanism" (2019): a finite binomial sum for integer orders (Sec.
3.2) and a converging two-sided series with erfc terms for fractional ones (Sec. 3.3), all
in log space.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import special

from dplab.validation import positive, probability_open, real, whole

# The orders Opacus uses by default: a fine grid near 1, then the integers to 63.
DEFAULT_ORDERS: tuple[float, ...] = tuple([1 + x / 10.0 for x in range(1, 100)] + list(range(12, 64)))
EXTENDED_ORDERS: tuple[float, ...] = DEFAULT_ORDERS + tuple(
    float(a) for a in (80, 96, 128, 192, 256, 512, 1024)
)


def _log_sum_exp(values: np.ndarray) -> float:
    if values.size == 0:
        return -math.inf
    top = float(values.max())
    return top if top == -math.inf else top + math.log(float(np.exp(values - top).sum()))


def _log_sub(a: float, b: float) -> float:
    """log(e^a - e^b) for a >= b."""
    if b == -math.inf:
        return a
    if a == b:
        return -math.inf
    return a + math.log1p(-math.exp(b - a))


def _log_a_integer(q: float, sigma: float, alpha: int) -> float:
    """log A_α = log Σ_k C(α,k) (1-q)^(α-k) q^k exp((k²-k)/(2σ²)) for integer α."""
    k = np.arange(alpha + 1)
    log_binomial = special.gammaln(alpha + 1) - special.gammaln(k + 1) - special.gammaln(alpha - k + 1)
    terms = log_binomial + k * math.log(q) + (alpha - k) * math.log1p(-q) + (k * k - k) / (2 * sigma**2)
    return _log_sum_exp(terms)


def _log_a_fractional(q: float, sigma: float, alpha: float) -> float:
    """log A_α for fractional α: the two series of Mironov et al. (2019, Sec. 3.3), summed
    in blocks of terms with their signs (the generalised binomial C(α, i) alternates in sign
    once i > α) until the terms fall below e^-30."""
    z0 = sigma**2 * math.log(1 / q - 1) + 0.5
    positive_terms, negative_terms = [], []
    start, block = 0, 64
    while True:
        i = np.arange(start, start + block, dtype=float)
        coefficient = special.binom(alpha, i)
        j = alpha - i
        with np.errstate(divide="ignore"):
            log_binomial = np.log(np.abs(coefficient))
        log_s0 = (
            log_binomial
            + i * math.log(q)
            + j * math.log1p(-q)
            + (i * i - i) / (2 * sigma**2)
            + special.log_ndtr(-(i - z0) / sigma)
        )
        log_s1 = (
            log_binomial
            + j * math.log(q)
            + i * math.log1p(-q)
            + (j * j - j) / (2 * sigma**2)
            + special.log_ndtr(-(z0 - j) / sigma)
        )
        log_terms = np.logaddexp(log_s0, log_s1)
        positive_terms.append(log_terms[coefficient > 0])
        negative_terms.append(log_terms[coefficient < 0])
        small = np.maximum(log_s0, log_s1) < -30
        if small.any() and i[np.argmax(small)] > alpha:
            break
        start += block
    return _log_sub(
        _log_sum_exp(np.concatenate(positive_terms)), _log_sum_exp(np.concatenate(negative_terms))
    )


def subsampled_gaussian_rdp(
    *, noise_multiplier: float, sample_rate: float, orders: Sequence[float] = DEFAULT_ORDERS
) -> np.ndarray:
    """RDP ε(α) of one step of the Gaussian mechanism (noise σ times the sensitivity) on a
    Poisson sample of rate q, at each order α > 1."""
    sigma = positive(noise_multiplier, "noise_multiplier")
    q = real(sample_rate, "sample_rate")
    if not 0 <= q <= 1:
        raise ValueError(f"sample_rate must lie in [0, 1], got {sample_rate}")
    alphas = np.asarray(orders, dtype=float)
    if alphas.ndim != 1 or np.any(alphas <= 1):
        raise ValueError("orders must be a 1-D sequence of numbers > 1")
    if q == 0:
        return np.zeros_like(alphas)
    if q == 1:
        return alphas / (2 * sigma**2)
    rdp = np.empty_like(alphas)
    for k, alpha in enumerate(alphas):
        if math.isinf(alpha):
            rdp[k] = math.inf
            continue
        log_a = (
            _log_a_integer(q, sigma, int(alpha))
            if float(alpha).is_integer()
            else _log_a_fractional(q, sigma, float(alpha))
        )
        rdp[k] = log_a / (alpha - 1)
    return rdp


def rdp_to_epsilon(rdp: Sequence[float], orders: Sequence[float], delta: float) -> tuple[float, float]:
    """(ε, best order) from an RDP curve, by Balle et al. (2020, Thm. 21):
    ε = min_α  rdp(α) + log((α-1)/α) - (log δ + log α)/(α - 1)."""
    delta = probability_open(delta, "delta")
    alphas = np.asarray(orders, dtype=float)
    values = np.asarray(rdp, dtype=float)
    if alphas.shape != values.shape:
        raise ValueError("rdp and orders must have the same length")
    eps = values - (math.log(delta) + np.log(alphas)) / (alphas - 1) + np.log((alphas - 1) / alphas)
    eps = np.where(np.isnan(eps), np.inf, eps)
    best = int(np.argmin(eps))
    return float(max(eps[best], 0.0)), float(alphas[best])


def dpsgd_epsilon(
    *,
    noise_multiplier: float,
    sample_rate: float,
    steps: int,
    delta: float,
    orders: Sequence[float] = DEFAULT_ORDERS,
) -> float:
    """ε spent by ``steps`` DP-SGD steps with Poisson sampling at ``sample_rate`` and noise
    ``noise_multiplier``·C, at ``delta``."""
    whole(steps, "steps", minimum=0)
    rdp = steps * subsampled_gaussian_rdp(
        noise_multiplier=noise_multiplier, sample_rate=sample_rate, orders=orders
    )
    return rdp_to_epsilon(rdp, orders, delta)[0]


def calibrate_noise(
    target_epsilon: float,
    *,
    sample_rate: float,
    steps: int,
    delta: float,
    tolerance: float = 0.01,
    orders: Sequence[float] = DEFAULT_ORDERS,
) -> float:
    """The smallest noise multiplier (to ``tolerance`` in ε) whose ε is at most the target,
    by bisection on σ (ε falls as σ grows)."""
    target = positive(target_epsilon, "target_epsilon")

    def eps(sigma: float) -> float:
        return dpsgd_epsilon(
            noise_multiplier=sigma, sample_rate=sample_rate, steps=steps, delta=delta, orders=orders
        )

    low, high = 0.0, 1.0
    while eps(high) > target:
        low, high = high, 2 * high
        if high > 1e4:
            raise ValueError(f"no noise multiplier reaches epsilon {target_epsilon}")
    while True:
        middle = (low + high) / 2
        if eps(middle) > target:
            low = middle
        else:
            high = middle
        if eps(high) >= target - tolerance or high - low < 1e-9:
            return high


@dataclass
class RDPAccountant:
    """A record of DP-SGD steps, ``(noise_multiplier, sample_rate, steps)``, whose ε is
    computed by the pure functions above."""

    history: list[tuple[float, float, int]] = field(default_factory=list)
    orders: tuple[float, ...] = DEFAULT_ORDERS

    def step(self, *, noise_multiplier: float, sample_rate: float, steps: int = 1) -> None:
        if self.history and self.history[-1][:2] == (noise_multiplier, sample_rate):
            self.history[-1] = (noise_multiplier, sample_rate, self.history[-1][2] + steps)
        else:
            self.history.append((noise_multiplier, sample_rate, steps))

    def rdp(self) -> np.ndarray:
        total = np.zeros(len(self.orders))
        for sigma, q, steps in self.history:
            total += steps * subsampled_gaussian_rdp(
                noise_multiplier=sigma, sample_rate=q, orders=self.orders
            )
        return total

    def get_epsilon(self, delta: float) -> float:
        return rdp_to_epsilon(self.rdp(), self.orders, delta)[0]
