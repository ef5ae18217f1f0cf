"""Mechanisms tested as trusted DP libraries test theirs: exact laws, statistical tests
with fixed seeds and tiny false-alarm rates, reference implementations, and a check that
the privacy test itself catches a broken mechanism."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special, stats

from dplab.audit import empirical_delta, empirical_epsilon
from dplab.mechanisms import (
    GaussianMechanism,
    LaplaceMechanism,
    gaussian,
    gaussian_sigma,
    laplace,
    laplace_unsafe_float,
)

ALPHA = 1e-6


def dkw_critical_value(n: int, alpha: float = ALPHA) -> float:
    """sup |F_n - F| exceeds this with probability at most alpha, for any law
    (Dvoretzky-Kiefer-Wolfowitz with Massart's constant), discrete ones included."""
    return math.sqrt(math.log(2 / alpha) / (2 * n))


def test_laplace_matches_the_continuous_law_on_its_fine_grid() -> None:
    mechanism = LaplaceMechanism(sensitivity=1, epsilon=0.7)
    samples = mechanism.randomise(np.zeros(200_000), rng=1)
    statistic = stats.kstest(samples, stats.laplace(scale=mechanism.scale).cdf).statistic
    assert statistic < dkw_critical_value(len(samples))


def test_laplace_on_a_coarse_grid_matches_the_exact_discrete_law() -> None:
    mechanism = LaplaceMechanism(sensitivity=1, epsilon=1, granularity=0.25)
    x = 0.3  # rounds to grid point 1 (0.25)
    units = mechanism.randomise(np.full(200_000, x), rng=2) / 0.25 - round(x / 0.25)
    assert np.array_equal(units, np.rint(units))
    q = math.exp(-0.25 / mechanism.scale)
    support = np.arange(units.min() - 1, units.max() + 1)
    exact = np.where(support >= 0, 1 - q ** (support + 1) / (1 + q), q ** (-support) / (1 + q))
    empirical = np.searchsorted(np.sort(units), support, side="right") / len(units)
    assert np.max(np.abs(empirical - exact)) < dkw_critical_value(len(units))


def test_gaussian_matches_the_normal_law() -> None:
    mechanism = GaussianMechanism(sensitivity=1, epsilon=1, delta=1e-5)
    samples = mechanism.randomise(np.zeros(200_000), rng=3)
    assert stats.kstest(samples, stats.norm(scale=mechanism.scale).cdf).statistic < dkw_critical_value(
        200_000
    )


def test_laplace_variance_is_two_scale_squared() -> None:
    sensitivity, epsilon = 2.0, 0.5
    mechanism = LaplaceMechanism(sensitivity, epsilon)
    nominal = 2 * (sensitivity / epsilon) ** 2
    assert mechanism.variance == pytest.approx(nominal, rel=1e-5)  # grid costs < 1e-5
    samples = mechanism.randomise(np.zeros(1_000_000), rng=4)
    # Var of a sample variance of Laplace draws is 5·σ⁴/N (excess kurtosis 3): 6 SE bound.
    assert np.var(samples) == pytest.approx(nominal, rel=6 * math.sqrt(5 / 1_000_000))


def test_scales_state_the_calibration() -> None:
    assert LaplaceMechanism(1, 0.1).scale == pytest.approx(10, rel=1e-5)
    g = GaussianMechanism(1, 1, 1e-5)
    assert (g.epsilon, g.delta, g.sensitivity) == (1, 1e-5, 1)
    assert g.scale == pytest.approx(3.7306316348, rel=1e-5)
    assert LaplaceMechanism(1, 1).delta == 0


def broken_laplace(values: np.ndarray, rng: object = None) -> np.ndarray:
    """A mechanism that claims ε = 1 but draws the noise of ε = 2 (half the scale)."""
    return LaplaceMechanism(1, 2).randomise(values, rng)


def broken_gaussian(values: np.ndarray, rng: object = None) -> np.ndarray:
    """A Gaussian mechanism with half its σ."""
    sigma = GaussianMechanism(1, 1, 1e-5).scale / 2
    return values + np.random.default_rng(rng).normal(0, sigma, values.shape)


@pytest.mark.parametrize(
    ("name", "mechanism", "epsilon"),
    [
        ("laplace eps 1", LaplaceMechanism(1, 1), 1.0),
        ("laplace eps 0.5", LaplaceMechanism(1, 0.5), 0.5),
        ("gaussian eps 1", GaussianMechanism(1, 1, 1e-5), 1.0),
    ],
)
def test_empirical_privacy_holds(name: str, mechanism: object, epsilon: float) -> None:
    assert empirical_epsilon(mechanism, 0.0, 1.0, rng=5) <= epsilon + 0.15, name


def test_empirical_privacy_test_catches_a_halved_laplace_scale() -> None:
    assert empirical_epsilon(broken_laplace, 0.0, 1.0, rng=6) > 1.0 + 0.15


@pytest.mark.parametrize(
    ("mechanism", "delta"),
    [(LaplaceMechanism(1, 1), 0.0), (GaussianMechanism(1, 1, 1e-5), 1e-5)],
)
def test_empirical_delta_stays_within_the_claim(mechanism: object, delta: float) -> None:
    # The histogram's own noise adds about 1e-3 where the loss sits at exactly ε (Laplace).
    assert empirical_delta(mechanism, 0.0, 1.0, epsilon=1.0, rng=9) <= delta + 3e-3


@pytest.mark.parametrize("broken", [broken_laplace, broken_gaussian])
def test_empirical_delta_catches_a_halved_noise_scale(broken) -> None:
    # Half the noise makes δ at ε = 1 about 0.01 (Gaussian) to 0.2 (Laplace).
    assert empirical_delta(broken, 0.0, 1.0, epsilon=1.0, rng=10) > 5e-3


def test_analytic_gaussian_sigma_matches_dp_accounting() -> None:
    dp_accounting = pytest.importorskip("dp_accounting")
    ours = gaussian_sigma(sensitivity=1, epsilon=1, delta=1e-5)
    assert ours == pytest.approx(3.7306316348, abs=1e-9)
    assert ours == pytest.approx(dp_accounting.get_sigma_gaussian(1, 1e-5), rel=1e-9)
    for epsilon in (0.1, 0.5, 2.0, 8.0):
        for delta in (1e-3, 1e-6, 1e-10):
            reference = dp_accounting.get_sigma_gaussian(epsilon, delta)
            assert gaussian_sigma(sensitivity=1, epsilon=epsilon, delta=delta) == pytest.approx(
                reference, rel=1e-9
            )
    assert gaussian_sigma(sensitivity=3, epsilon=1, delta=1e-5) == pytest.approx(3 * ours, rel=1e-12)


def test_analytic_sigma_solves_balle_wangs_condition_with_equality() -> None:
    eps, delta = 0.8, 1e-6
    sigma = gaussian_sigma(sensitivity=1, epsilon=eps, delta=delta)
    achieved = special.ndtr(1 / (2 * sigma) - eps * sigma) - math.exp(eps) * special.ndtr(
        -1 / (2 * sigma) - eps * sigma
    )
    assert achieved == pytest.approx(delta, rel=1e-9)


def test_classic_sigma_only_below_epsilon_one() -> None:
    assert gaussian_sigma(sensitivity=1, epsilon=0.5, delta=1e-5, analytic=False) == pytest.approx(
        math.sqrt(2 * math.log(1.25e5)) / 0.5
    )
    with pytest.raises(ValueError, match="epsilon < 1"):
        gaussian_sigma(sensitivity=1, epsilon=1, delta=1e-5, analytic=False)


def test_raw_float_laplace_outputs_can_betray_their_input() -> None:
    """Mironov's observation: x + Y in floating point reaches different sets of floats for
    x = 0 and x = 1. Below 1/2, sums 1 + Y are multiples of 2**-53; outputs from 0 mostly
    are not, so seeing one proves the input was 0."""
    from_zero = laplace_unsafe_float(np.zeros(100_000), sensitivity=1, epsilon=1, rng=7)
    small = from_zero[np.abs(from_zero) < 0.5]
    impossible_from_one = np.mod(small * 2.0**53, 1) != 0
    assert impossible_from_one.mean() > 0.5


@pytest.mark.parametrize("mechanism", [LaplaceMechanism(1, 1), GaussianMechanism(1, 1, 1e-5)])
def test_safe_outputs_lie_on_a_grid_that_does_not_depend_on_the_input(mechanism: object) -> None:
    spacing = mechanism.granularity  # type: ignore[attr-defined]
    for x in (0.0, 1.0, 0.3, -12.7, 1e6):
        out = mechanism.randomise(np.full(10_000, x), rng=8)  # type: ignore[attr-defined]
        units = out / spacing
        assert np.array_equal(units, np.rint(units)), x
    assert math.log2(spacing) == int(math.log2(spacing))


BAD_ARGUMENTS = [
    (lambda: laplace(1.0, sensitivity=1, epsilon=0), ValueError, "epsilon"),
    (lambda: laplace(1.0, sensitivity=1, epsilon=-1), ValueError, "epsilon"),
    (lambda: laplace(1.0, sensitivity=1, epsilon=math.nan), ValueError, "epsilon"),
    (lambda: laplace(1.0, sensitivity=1, epsilon=math.inf), ValueError, "epsilon"),
    (lambda: laplace(1.0, sensitivity=-1, epsilon=1), ValueError, "sensitivity"),
    (lambda: laplace(math.nan, sensitivity=1, epsilon=1), ValueError, "value"),
    (lambda: laplace([1.0, math.inf], sensitivity=1, epsilon=1), ValueError, "value"),
    (lambda: laplace(1.0, sensitivity=1, epsilon="1"), TypeError, "epsilon"),
    (lambda: gaussian(1.0, sensitivity=1, epsilon=1, delta=0), ValueError, "delta"),
    (lambda: gaussian(1.0, sensitivity=1, epsilon=1, delta=1), ValueError, "delta"),
    (lambda: gaussian(1.0, sensitivity=1, epsilon=1, delta=math.nan), ValueError, "delta"),
    (lambda: gaussian(1.0, sensitivity=1, epsilon=0, delta=1e-5), ValueError, "epsilon"),
    (lambda: gaussian(1.0, sensitivity=-2, epsilon=1, delta=1e-5), ValueError, "sensitivity"),
    (lambda: LaplaceMechanism(1, 1, granularity=0.3), ValueError, "power of two"),
]


@pytest.mark.parametrize(("call", "error", "names"), BAD_ARGUMENTS)
def test_bad_arguments_raise_naming_the_argument(call, error, names: str) -> None:
    with pytest.raises(error, match=names):
        call()


def test_zero_sensitivity_adds_no_noise() -> None:
    assert laplace(3.5, sensitivity=0, epsilon=1) == 3.5
