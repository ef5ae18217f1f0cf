"""The dog-image GAN of days 12-16 and 23, small enough to train at build time.

The Kaggle "Generative Dog Images" data (20 579 photos) cannot be downloaded here, so the
journal trains on scikit-learn's handwritten digits upsampled to 16x16: an honest stand-in
with the same code path. `image_folder` loads a folder of images (the competition's
``all-dogs``, for instance) for anyone who has it.

Models are DCGANs (Radford et al. 2016) sized by arguments. The improved variant has more
filters and spectral normalisation in the discriminator, plus two techniques of Salimans
et al., "Improved techniques for training GANs" (2016): one-sided label smoothing and
minibatch discrimination. Each is a switch of `GANConfig`, as are feature matching and
discriminator dropout (off in the improved variant: on these data they made FID worse).

Scores are the Fréchet distance between feature statistics and the competition's MiFID,
which divides it by a memorisation distance when generated images sit too close to
training ones. The features come from a small classifier trained on the same data, not
from Inception weights (which would have to be downloaded), so the numbers compare runs
here, not Kaggle's leaderboard.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import torch
from matplotlib.figure import Figure
from torch import nn
from torch.nn.utils import spectral_norm

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif")


# --- data -------------------------------------------------------------------------------


def digits_images(size: int = 16) -> tuple[torch.Tensor, np.ndarray]:
    """The 1797 digits upsampled (bilinear) to ``size``×``size``, scaled to [-1, 1], with
    their labels."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = torch.as_tensor(digits.images / 16.0, dtype=torch.float32).unsqueeze(1)
    images = nn.functional.interpolate(images, size=(size, size), mode="bilinear", align_corners=False)
    return images.clamp(0, 1) * 2 - 1, digits.target


def image_folder(
    path: str | Path, *, size: int = 32, channels: int = 3, limit: int | None = None
) -> torch.Tensor:
    """Every image in a folder, resized to ``size``×``size`` and scaled to [-1, 1]."""
    from PIL import Image, UnidentifiedImageError

    folder = Path(path)
    if not folder.is_dir():
        raise FileNotFoundError(f"no image folder at {folder}")
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)[:limit]
    if not files:
        raise ValueError(f"{folder}: no images ({', '.join(IMAGE_SUFFIXES)})")
    mode = {1: "L", 3: "RGB"}[channels]
    arrays = []
    for file in files:
        try:
            with Image.open(file) as image:
                arrays.append(np.asarray(image.convert(mode).resize((size, size)), dtype=np.float32))
        except (UnidentifiedImageError, OSError) as exc:
            raise ValueError(f"{file}: not a readable image ({exc})") from None
    stacked = torch.as_tensor(np.stack(arrays)) / 127.5 - 1
    return stacked.unsqueeze(1) if channels == 1 else stacked.permute(0, 3, 1, 2)


# --- models ------------------------------------------------------------------------------


@dataclass(frozen=True)
class GANConfig:
    """Architecture and training tricks. ``baseline()`` and ``improved()`` are the two
    variants of the journal; every field can be switched on its own."""

    image_size: int = 16
    channels: int = 1
    latent_dim: int = 32
    filters: int = 32
    spectral_norm: bool = False
    dropout: float = 0.0
    feature_matching: bool = False
    label_smoothing: float = 1.0  # target for real images; < 1 is one-sided smoothing
    minibatch_discrimination: bool = False

    @classmethod
    def baseline(cls, **changes: object) -> GANConfig:
        return replace(cls(), **changes)  # type: ignore[arg-type]

    @classmethod
    def improved(cls, **changes: object) -> GANConfig:
        return replace(
            cls(filters=48, spectral_norm=True, label_smoothing=0.9, minibatch_discrimination=True), **changes
        )  # type: ignore[arg-type]

    @property
    def upsamplings(self) -> int:
        steps = math.log2(self.image_size / 4)
        if steps < 1 or not steps.is_integer():
            raise ValueError(
                f"image_size must be 4 times a power of two (8, 16, 32, 64), got {self.image_size}"
            )
        return int(steps)


class Generator(nn.Module):
    """z → 4×4 feature map → transposed convolutions doubling the size → tanh image."""

    def __init__(self, config: GANConfig) -> None:
        super().__init__()
        width = config.filters * 2 ** (config.upsamplings - 1)
        self.config = config
        self.project = nn.Sequential(
            nn.Linear(config.latent_dim, width * 16), nn.BatchNorm1d(width * 16), nn.ReLU()
        )
        layers: list[nn.Module] = []
        for step in range(config.upsamplings):
            last = step == config.upsamplings - 1
            out = config.channels if last else width // 2
            layers.append(nn.ConvTranspose2d(width, out, 4, stride=2, padding=1))
            layers += [nn.Tanh()] if last else [nn.BatchNorm2d(out), nn.ReLU()]
            width = out
        self.body = nn.Sequential(*layers)
        self.width = config.filters * 2 ** (config.upsamplings - 1)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.body(self.project(z).view(len(z), self.width, 4, 4))


class MinibatchDiscrimination(nn.Module):
    """Salimans et al. (2016, Sec. 3.2): features measuring how close each sample is to the
    others in the batch, so the discriminator can spot a generator that collapses."""

    def __init__(self, in_features: int, kernels: int = 16, kernel_dim: int = 8) -> None:
        super().__init__()
        self.tensor = nn.Parameter(torch.randn(in_features, kernels * kernel_dim) * 0.1)
        self.kernels, self.kernel_dim = kernels, kernel_dim

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        m = (x @ self.tensor).view(-1, self.kernels, self.kernel_dim)
        distances = (m.unsqueeze(0) - m.unsqueeze(1)).abs().sum(3)  # (B, B, kernels)
        closeness = torch.exp(-distances).sum(1) - 1  # leave out each sample's self-match
        return torch.cat([x, closeness], dim=1)


class Discriminator(nn.Module):
    """Strided convolutions down to 4×4, then a logit; also returns the features before
    the last layer (for feature matching)."""

    def __init__(self, config: GANConfig) -> None:
        super().__init__()
        norm = spectral_norm if config.spectral_norm else (lambda layer: layer)
        layers: list[nn.Module] = []
        width, channels = config.filters, config.channels
        for _ in range(config.upsamplings):
            layers += [norm(nn.Conv2d(channels, width, 4, stride=2, padding=1)), nn.LeakyReLU(0.2)]
            if config.dropout:
                layers.append(nn.Dropout(config.dropout))
            channels, width = width, width * 2
        self.body = nn.Sequential(*layers, nn.Flatten())
        features = channels * 16
        self.minibatch = MinibatchDiscrimination(features) if config.minibatch_discrimination else None
        self.head = norm(nn.Linear(features + (16 if self.minibatch else 0), 1))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        features = self.body(x)
        extended = self.minibatch(features) if self.minibatch is not None else features
        return self.head(extended).squeeze(1), features


# --- training ------------------------------------------------------------------------------


@dataclass
class GANRun:
    """A trained generator and the losses per epoch."""

    generator: Generator
    config: GANConfig
    d_losses: list[float] = field(default_factory=list)
    g_losses: list[float] = field(default_factory=list)

    def sample(self, n: int, *, seed: int = 0) -> torch.Tensor:
        """``n`` generated images in [-1, 1]."""
        z = torch.randn(n, self.config.latent_dim, generator=torch.Generator().manual_seed(seed))
        self.generator.eval()
        with torch.no_grad():
            return self.generator(z)

    def plot_samples(self, n: int = 32, *, seed: int = 0, title: str = "Generated samples") -> Figure:
        from dplab.plots import image_grid

        return image_grid(self.sample(n, seed=seed), title=title)


def train_gan(
    images: torch.Tensor,
    config: GANConfig,
    *,
    epochs: int = 20,
    batch_size: int = 64,
    lr: float = 2e-4,
    seed: int = 0,
) -> GANRun:
    """Adversarial training with Adam (β₁ = 0.5, as DCGAN). With feature matching the
    generator matches the mean discriminator features of real images (Salimans et al.,
    Sec. 3.1) instead of fooling its output; with label smoothing real targets are
    ``config.label_smoothing`` (one-sided: fake targets stay 0)."""
    if images.dim() != 4 or images.shape[1:] != (config.channels, config.image_size, config.image_size):
        raise ValueError(
            f"images must have shape (N, {config.channels}, {config.image_size}, "
            f"{config.image_size}), got {tuple(images.shape)}"
        )
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        generator, discriminator = Generator(config), Discriminator(config)
        noise = torch.Generator().manual_seed(seed + 1)
        g_opt = torch.optim.Adam(generator.parameters(), lr=lr, betas=(0.5, 0.999))
        d_opt = torch.optim.Adam(discriminator.parameters(), lr=lr, betas=(0.5, 0.999))
        bce = nn.functional.binary_cross_entropy_with_logits
        run = GANRun(generator, config)
        for _ in range(epochs):
            d_total = g_total = 0.0
            batches = torch.randperm(len(images), generator=noise).split(batch_size)
            for batch in batches:
                real = images[batch]
                z = torch.randn(len(batch), config.latent_dim, generator=noise)
                fake = generator(z)
                real_logit, real_features = discriminator(real)
                fake_logit, _ = discriminator(fake.detach())
                d_loss = bce(real_logit, torch.full_like(real_logit, config.label_smoothing)) + bce(
                    fake_logit, torch.zeros_like(fake_logit)
                )
                d_opt.zero_grad()
                d_loss.backward()
                d_opt.step()
                fake_logit, fake_features = discriminator(fake)
                if config.feature_matching:
                    g_loss = (real_features.detach().mean(0) - fake_features.mean(0)).pow(2).mean()
                else:
                    g_loss = bce(fake_logit, torch.ones_like(fake_logit))
                g_opt.zero_grad()
                g_loss.backward()
                g_opt.step()
                d_total += float(d_loss.detach())
                g_total += float(g_loss.detach())
            run.d_losses.append(d_total / len(batches))
            run.g_losses.append(g_total / len(batches))
    return run


# --- scores --------------------------------------------------------------------------------


class FeatureNet(nn.Module):
    """A small classifier whose penultimate layer stands in for Inception features."""

    def __init__(
        self, channels: int = 1, image_size: int = 16, features: int = 64, classes: int = 10
    ) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(channels, 16, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(32 * (image_size // 4) ** 2, features),
            nn.ReLU(),
        )
        self.head = nn.Linear(features, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(x))

    def features(self, x: torch.Tensor) -> np.ndarray:
        self.eval()
        with torch.no_grad():
            return self.body(x).double().numpy()


def train_feature_net(
    images: torch.Tensor, labels: np.ndarray, *, epochs: int = 10, seed: int = 0
) -> FeatureNet:
    """Fit the feature network as a classifier of the real images."""
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        net = FeatureNet(images.shape[1], images.shape[2])
        order = torch.Generator().manual_seed(seed)
        optimiser = torch.optim.Adam(net.parameters(), lr=1e-3)
        targets = torch.as_tensor(labels, dtype=torch.long)
        for _ in range(epochs):
            for batch in torch.randperm(len(images), generator=order).split(64):
                optimiser.zero_grad()
                nn.functional.cross_entropy(net(images[batch]), targets[batch]).backward()
                optimiser.step()
    return net


def _psd_sqrt(matrix: np.ndarray) -> np.ndarray:
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2)
    return (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T


def frechet_distance(mu1: np.ndarray, sigma1: np.ndarray, mu2: np.ndarray, sigma2: np.ndarray) -> float:
    """‖μ₁ - μ₂‖² + tr(Σ₁ + Σ₂ - 2(Σ₁Σ₂)^½), the Fréchet distance between two Gaussians
    (Heusel et al. 2017). tr((Σ₁Σ₂)^½) is computed as Σ√λ of the symmetric Σ₁^½Σ₂Σ₁^½, which
    has the same eigenvalues and stays real and stable when a covariance is singular."""
    mu1, mu2 = np.atleast_1d(mu1).astype(float), np.atleast_1d(mu2).astype(float)
    sigma1, sigma2 = np.atleast_2d(sigma1).astype(float), np.atleast_2d(sigma2).astype(float)
    if mu1.shape != mu2.shape or sigma1.shape != sigma2.shape or sigma1.shape != (mu1.size, mu1.size):
        raise ValueError("means and covariances must have matching shapes (d,) and (d, d)")
    half = _psd_sqrt(sigma1)
    trace_root = np.sqrt(np.clip(np.linalg.eigvalsh(half @ sigma2 @ half), 0, None)).sum()
    diff = mu1 - mu2
    return float(max(diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2 * trace_root, 0.0))


def memorisation_distance(generated: np.ndarray, training: np.ndarray) -> float:
    """Mean over generated images of the smallest cosine distance (1 - |cos|) to any
    training image, in feature space centred on the training mean (ReLU features are all
    positive, so uncentred cosines are close to 1 for any pair): near 0 when the
    generator copies its data."""
    centre = training.mean(axis=0)
    g, t = generated - centre, training - centre
    g = g / np.linalg.norm(g, axis=1, keepdims=True).clip(1e-12)
    t = t / np.linalg.norm(t, axis=1, keepdims=True).clip(1e-12)
    return float(np.mean(np.min(1 - np.abs(g @ t.T), axis=1)))


@dataclass(frozen=True)
class MiFID:
    """FID, the memorisation distance, and MiFID = FID / (distance if it is below the
    threshold, else 1), as the competition scored it (lower is better)."""

    fid: float
    distance: float
    threshold: float

    @property
    def value(self) -> float:
        penalty = self.distance if self.distance < self.threshold else 1.0
        return self.fid / (penalty + 1e-15)

    @property
    def memorising(self) -> bool:
        return self.distance < self.threshold


def memorisation_threshold(training: np.ndarray, *, fraction: float = 0.5, seed: int = 0) -> float:
    """A threshold for this feature space: ``fraction`` of the distance between two random
    halves of the real data. (Kaggle's 0.1 was set for Inception features; a new image is
    as far from the training set as a held-out real one, a copy is at 0.)"""
    order = np.random.default_rng(seed).permutation(len(training))
    half = len(order) // 2
    return fraction * memorisation_distance(training[order[:half]], training[order[half:]])


def mifid(generated: np.ndarray, training: np.ndarray, *, threshold: float = 0.1) -> MiFID:
    """Score generated features against training features (Kaggle's threshold by default;
    see `memorisation_threshold` for one fitted to other features)."""
    fid = frechet_distance(
        generated.mean(0), np.cov(generated, rowvar=False), training.mean(0), np.cov(training, rowvar=False)
    )
    return MiFID(fid, memorisation_distance(generated, training), threshold)
