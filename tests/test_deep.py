"""DP-SGD and its accountant, the GAN and its scores, and the house-price model."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy import linalg, stats
from torch import nn

from dplab.accounting import (
    DEFAULT_ORDERS,
    RDPAccountant,
    calibrate_noise,
    dpsgd_epsilon,
    subsampled_gaussian_rdp,
)
from dplab.dpsgd import clip_per_sample, clipped_sum, noisy_mean_gradient, per_sample_gradients, train
from dplab.student import StudentNet


class SmallConvNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.layers = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 3))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x)


@pytest.mark.parametrize(("model", "shape"), [(StudentNet(), (64,)), (SmallConvNet(), (1, 8, 8))])
def test_per_sample_gradients_equal_batch_of_one_gradients(model: nn.Module, shape: tuple[int, ...]) -> None:
    torch.manual_seed(0)
    x, y = torch.randn(6, *shape), torch.randint(0, 3, (6,))
    grads = per_sample_gradients(model, nn.functional.cross_entropy, x, y)
    for i in range(6):
        model.zero_grad()
        nn.functional.cross_entropy(model(x[i : i + 1]), y[i : i + 1]).backward()
        for name, parameter in model.named_parameters():
            assert torch.allclose(grads[name][i], parameter.grad, atol=1e-6), name


def test_clipping_bounds_every_sample() -> None:
    torch.manual_seed(1)
    model = StudentNet()
    grads = per_sample_gradients(
        model, nn.functional.cross_entropy, torch.randn(32, 64) * 5, torch.randint(0, 10, (32,))
    )
    clipped, norms = clip_per_sample(grads, 0.1)
    after = torch.cat([g.reshape(32, -1) for g in clipped.values()], 1).norm(dim=1)
    assert torch.all(norms > 0.1)  # the bound is actually exercised
    assert torch.all(after <= 0.1 + 1e-6)
    unclipped, _ = clip_per_sample(grads, 1e9)
    assert all(torch.allclose(unclipped[k], grads[k]) for k in grads)
    summed = clipped_sum(grads, 0.1)
    assert all(torch.allclose(summed[k], clipped[k].sum(0), atol=1e-6) for k in grads)


def test_noise_on_zero_gradients_has_variance_sigma_c_over_b_squared() -> None:
    sigma, c, b = 1.3, 0.7, 50.0
    zeros = {"w": torch.zeros(400, 50)}  # the clipped sum of a batch of zero gradients
    draws = (
        torch.cat(
            [
                noisy_mean_gradient(
                    zeros,
                    noise_multiplier=sigma,
                    max_norm=c,
                    expected_batch_size=b,
                    generator=torch.Generator().manual_seed(k),
                )["w"].flatten()
                for k in range(10)
            ]
        )
        .double()
        .numpy()
    )
    expected = (sigma * c / b) ** 2
    n = len(draws)
    # (n-1)s²/σ² is chi-square with n-1 degrees of freedom: two-sided test at 1e-6
    statistic = (n - 1) * draws.var(ddof=1) / expected
    p = 2 * min(stats.chi2.cdf(statistic, n - 1), stats.chi2.sf(statistic, n - 1))
    assert p > 1e-6
    assert abs(draws.mean()) < 6 * math.sqrt(expected / n)


def test_accountant_known_answers() -> None:
    assert dpsgd_epsilon(noise_multiplier=1.5, sample_rate=0.04, steps=2250, delta=1e-5) == pytest.approx(
        7.3291111714, abs=1e-9
    )
    steps = int(60 * 60000 / 256)
    assert dpsgd_epsilon(
        noise_multiplier=1.1, sample_rate=256 / 60000, steps=steps, delta=1e-5
    ) == pytest.approx(2.5966, abs=1e-4)


@pytest.mark.parametrize("sigma", [0.6, 1.0, 2.5])
@pytest.mark.parametrize("q", [0.001, 0.02, 0.2])
@pytest.mark.parametrize("steps", [1, 300, 5000])
def test_accountant_matches_opacus_and_dp_accounting(sigma: float, q: float, steps: int) -> None:
    opacus_rdp = pytest.importorskip("opacus.accountants.analysis.rdp")
    dp_accounting = pytest.importorskip("dp_accounting")
    ours = dpsgd_epsilon(noise_multiplier=sigma, sample_rate=q, steps=steps, delta=1e-5)
    rdp = opacus_rdp.compute_rdp(q=q, noise_multiplier=sigma, steps=steps, orders=list(DEFAULT_ORDERS))
    theirs, _ = opacus_rdp.get_privacy_spent(orders=list(DEFAULT_ORDERS), rdp=rdp, delta=1e-5)
    assert ours == pytest.approx(theirs, rel=1e-6)
    # dp-accounting bounds fractional orders more loosely than Mironov et al.'s series (which
    # Opacus and dplab evaluate); on integer orders all three agree.
    integers = [float(a) for a in range(2, 64)]
    accountant = dp_accounting.rdp.RdpAccountant(integers)
    accountant.compose(dp_accounting.PoissonSampledDpEvent(q, dp_accounting.GaussianDpEvent(sigma)), steps)
    ours_on_integers = dpsgd_epsilon(
        noise_multiplier=sigma, sample_rate=q, steps=steps, delta=1e-5, orders=integers
    )
    assert ours_on_integers == pytest.approx(accountant.get_epsilon(1e-5), rel=1e-9)


def test_rdp_edges_and_validation() -> None:
    assert np.all(subsampled_gaussian_rdp(noise_multiplier=1.0, sample_rate=0.0) == 0)
    full = subsampled_gaussian_rdp(noise_multiplier=2.0, sample_rate=1.0, orders=[2.0, 10.0])
    assert np.allclose(full, [2 / 8, 10 / 8])  # α/(2σ²) without sampling
    with pytest.raises(ValueError, match="noise_multiplier"):
        dpsgd_epsilon(noise_multiplier=0, sample_rate=0.1, steps=10, delta=1e-5)
    with pytest.raises(ValueError, match="sample_rate"):
        dpsgd_epsilon(noise_multiplier=1, sample_rate=1.5, steps=10, delta=1e-5)
    with pytest.raises(ValueError, match="delta"):
        dpsgd_epsilon(noise_multiplier=1, sample_rate=0.1, steps=10, delta=0)


def test_accountant_records_history_and_calibration_hits_the_target() -> None:
    accountant = RDPAccountant()
    accountant.step(noise_multiplier=1.1, sample_rate=0.01, steps=100)
    accountant.step(noise_multiplier=1.1, sample_rate=0.01, steps=50)
    assert accountant.history == [(1.1, 0.01, 150)]
    assert accountant.get_epsilon(1e-5) == pytest.approx(
        dpsgd_epsilon(noise_multiplier=1.1, sample_rate=0.01, steps=150, delta=1e-5)
    )
    sigma = calibrate_noise(2.0, sample_rate=0.01, steps=1000, delta=1e-5)
    eps = dpsgd_epsilon(noise_multiplier=sigma, sample_rate=0.01, steps=1000, delta=1e-5)
    assert 1.99 <= eps <= 2.0


def test_dpsgd_on_digits_reaches_80_percent_at_epsilon_below_3() -> None:
    from sklearn.datasets import load_digits

    digits = load_digits()
    order = np.random.default_rng(15).permutation(len(digits.target))
    x, y = digits.data[order] / 16.0, digits.target[order]
    x_test = torch.as_tensor(x[1400:], dtype=torch.float32)
    torch.manual_seed(15)
    result = train(
        StudentNet(),
        x[:1400],
        y[:1400],
        loss_fn=nn.functional.cross_entropy,
        epochs=10,
        batch_size=64,
        noise_multiplier=2.0,
        max_grad_norm=1.0,
        lr=0.5,
        delta=1e-5,
        seed=15,
        evaluate=lambda m: float((m(x_test).argmax(1).numpy() == y[1400:]).mean()),
    )
    assert result.epsilon <= 3.0
    assert result.history["metric"][-1] >= 0.8


# --- GAN ---------------------------------------------------------------------------------

from dplab.gan import (  # noqa: E402 - grouped with their tests
    Discriminator,
    GANConfig,
    Generator,
    digits_images,
    frechet_distance,
    image_folder,
    memorisation_threshold,
    mifid,
    train_gan,
)


@pytest.mark.parametrize("size", [8, 16, 32])
@pytest.mark.parametrize("variant", [GANConfig.baseline, GANConfig.improved])
def test_gan_output_shapes(size: int, variant) -> None:
    config = variant(image_size=size, channels=3)
    images = Generator(config)(torch.randn(5, config.latent_dim))
    assert images.shape == (5, 3, size, size)
    assert images.min() >= -1 and images.max() <= 1
    logits, features = Discriminator(config)(images)
    assert logits.shape == (5,) and features.shape[0] == 5


def test_a_short_training_run_moves_the_losses() -> None:
    images, _ = digits_images(16)
    run = train_gan(images[:512], GANConfig.baseline(), epochs=4, seed=0)
    # an untrained discriminator scores ln 2 on real and fake: 2 ln 2 in all
    assert run.d_losses[-1] < 2 * math.log(2)
    assert run.g_losses[-1] > math.log(2)  # the generator is losing the game it plays
    assert run.sample(4, seed=1).shape == (4, 1, 16, 16)
    again = train_gan(images[:512], GANConfig.baseline(), epochs=4, seed=0)
    assert again.d_losses == run.d_losses  # seeded: the same run twice


def test_frechet_distance_is_zero_on_itself_and_matches_scipy() -> None:
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=(500, 12)), rng.normal(0.3, 1.2, size=(400, 12)) @ rng.normal(size=(12, 12))
    mu1, s1, mu2, s2 = a.mean(0), np.cov(a, rowvar=False), b.mean(0), np.cov(b, rowvar=False)
    assert frechet_distance(mu1, s1, mu1, s1) == pytest.approx(0, abs=1e-8)
    direct = np.sum((mu1 - mu2) ** 2) + np.trace(s1 + s2 - 2 * np.real(linalg.sqrtm(s1 @ s2)))
    assert frechet_distance(mu1, s1, mu2, s2) == pytest.approx(direct, abs=1e-6)


def test_mifid_penalises_copied_training_images() -> None:
    rng = np.random.default_rng(4)
    training = np.abs(rng.normal(size=(600, 16)))
    threshold = memorisation_threshold(training)
    copied = mifid(training[:300] + 1e-9, training, threshold=threshold)
    novel = mifid(np.abs(rng.normal(size=(300, 16))), training, threshold=threshold)
    assert copied.memorising and not novel.memorising
    assert copied.value > 1e3 * copied.fid
    assert novel.value == pytest.approx(novel.fid, rel=1e-12)


def test_image_folder_loads_and_refuses_bad_input(tmp_path) -> None:
    from PIL import Image

    for k in range(3):
        Image.fromarray(np.full((20, 30, 3), 80 * k, dtype=np.uint8)).save(tmp_path / f"dog{k}.png")
    images = image_folder(tmp_path, size=16, channels=3)
    assert images.shape == (3, 3, 16, 16) and images.min() >= -1 and images.max() <= 1
    with pytest.raises(FileNotFoundError, match="no image folder"):
        image_folder(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="no images"):
        image_folder(tmp_path / "empty")
    (tmp_path / "bad.png").write_text("not an image")
    with pytest.raises(ValueError, match=r"bad\.png"):
        image_folder(tmp_path)


# --- house prices ---------------------------------------------------------------------------

from dplab.houseprice import fit, load_house_prices, mean_baseline  # noqa: E402


def test_ames_loader_shapes_and_no_missing_values() -> None:
    data = load_house_prices(seed=24)
    assert len(data.y_train) + len(data.y_test) == 2930
    assert data.x_train.shape == (len(data.y_train), len(data.feature_names))
    assert not np.isnan(data.x_train).any() and not np.isnan(data.x_test).any()
    assert np.allclose(data.x_train.mean(0), 0, atol=1e-9)  # standardised on train only
    assert 10 < data.y_train.mean() < 13  # log dollars


def test_fifteen_epochs_beat_the_mean_by_half() -> None:
    data = load_house_prices(seed=24)
    network, mean = fit(data, epochs=15, seed=24), mean_baseline(data)
    assert network.rmse_log < 0.5 * mean.rmse_log


def test_kaggle_style_csv_and_bad_inputs(tmp_path) -> None:
    rng = np.random.default_rng(5)
    rows = ["Id,LotArea,Neighborhood,SalePrice"]
    rows += [
        f"{i},{rng.integers(5000, 20000)},{'AB'[i % 2]},{rng.integers(80000, 300000)}" for i in range(60)
    ]
    (tmp_path / "train.csv").write_text("\n".join(rows))
    data = load_house_prices(tmp_path / "train.csv", seed=1)
    assert data.feature_names == ("LotArea", "Neighborhood_A", "Neighborhood_B")
    with pytest.raises(FileNotFoundError, match=r"nowhere\.csv"):
        load_house_prices(tmp_path / "nowhere.csv")
    (tmp_path / "noprice.csv").write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="SalePrice"):
        load_house_prices(tmp_path / "noprice.csv")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(ValueError, match=r"empty\.csv"):
        load_house_prices(tmp_path / "empty.csv")
