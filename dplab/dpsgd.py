"""DP-SGD (Abadi et al., "Deep learning with differential privacy", CCS 2016) for any
small ``nn.Module``, in named steps: Poisson sampling, per-sample gradients, clipping,
noise, and accounting.

Per-sample gradients come from ``torch.func`` (``vmap`` over ``grad`` of a functional call),
which works for any model built of standard layers. The noisy gradient follows Opacus:
clip each sample's gradient to norm C, sum, add N(0, σ²C²) per coordinate, and divide by
the *expected* batch size qN, which keeps the estimate unbiased under Poisson sampling.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from torch.func import functional_call, grad_and_value, vmap

from dplab.accounting import RDPAccountant
from dplab.validation import non_negative, positive

Gradients = dict[str, torch.Tensor]


def per_sample_gradients_and_losses(
    model: nn.Module,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    x: torch.Tensor,
    y: torch.Tensor,
) -> tuple[Gradients, torch.Tensor]:
    """Each example's gradient of ``loss_fn`` w.r.t. every trainable parameter, stacked on a
    leading batch dimension (``{name: tensor of shape (batch, *param.shape)}``), and each
    example's loss, from one vectorised pass."""
    params = {name: p.detach() for name, p in model.named_parameters() if p.requires_grad}
    buffers = {name: b.detach() for name, b in model.named_buffers()}

    def loss_of_one(params: Gradients, xi: torch.Tensor, yi: torch.Tensor) -> torch.Tensor:
        output = functional_call(model, (params, buffers), (xi.unsqueeze(0),))
        return loss_fn(output, yi.unsqueeze(0))

    return vmap(grad_and_value(loss_of_one), in_dims=(None, 0, 0))(params, x, y)


def per_sample_gradients(
    model: nn.Module,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    x: torch.Tensor,
    y: torch.Tensor,
) -> Gradients:
    """Each example's gradient (see `per_sample_gradients_and_losses`)."""
    return per_sample_gradients_and_losses(model, loss_fn, x, y)[0]


def _clip_factors(grads: Gradients, max_norm: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-sample norms over all parameters together, and the factors min(1, C/norm)."""
    max_norm = positive(max_norm, "max_norm")
    squares = sum(g.reshape(g.shape[0], -1).pow(2).sum(dim=1) for g in grads.values())
    norms = torch.sqrt(squares)  # type: ignore[arg-type]
    return norms, (max_norm / (norms + 1e-6)).clamp(max=1.0)


def clip_per_sample(grads: Gradients, max_norm: float) -> tuple[Gradients, torch.Tensor]:
    """Scale each sample's whole gradient (all parameters together) to L2 norm at most C.
    Returns the clipped gradients and the norms before clipping."""
    norms, factor = _clip_factors(grads, max_norm)
    return {name: g * factor.view(-1, *([1] * (g.dim() - 1))) for name, g in grads.items()}, norms


def clipped_sum(grads: Gradients, max_norm: float) -> Gradients:
    """Σ over the batch of the clipped per-sample gradients, without storing them clipped."""
    _, factor = _clip_factors(grads, max_norm)
    return {name: torch.tensordot(factor, g, dims=1) for name, g in grads.items()}


def noisy_mean_gradient(
    summed: Gradients,
    *,
    noise_multiplier: float,
    max_norm: float,
    expected_batch_size: float,
    generator: torch.Generator,
) -> Gradients:
    """(Σ clipped gradients + N(0, σ²C²)) / (expected batch size), per parameter."""
    std = non_negative(noise_multiplier, "noise_multiplier") * max_norm
    result = {}
    for name, g in summed.items():
        noise = torch.normal(0.0, std, size=g.shape, generator=generator, device="cpu").to(g.device)
        result[name] = (g + noise) / expected_batch_size
    return result


def poisson_batches(
    n: int, sample_rate: float, steps: int, generator: torch.Generator
) -> Iterator[torch.Tensor]:
    """``steps`` batches, each row included independently with probability ``sample_rate``
    (the sampling the privacy analysis assumes; batches vary in size and may be empty)."""
    for _ in range(steps):
        yield torch.nonzero(torch.rand(n, generator=generator) < sample_rate).flatten()


def resolve_device(device: str | None) -> torch.device:
    """CUDA when asked for and available, the CPU otherwise."""
    if device == "cuda" and torch.cuda.is_available():
        return torch.device("cuda")
    return torch.device("cpu")


@dataclass
class DPSGDResult:
    """What a private training run produced, and what it spent."""

    model: nn.Module
    epsilon: float
    delta: float
    history: dict[str, list[float]] = field(default_factory=dict)
    accountant: RDPAccountant = field(default_factory=RDPAccountant)


def train(
    model: nn.Module,
    x: np.ndarray | torch.Tensor,
    y: np.ndarray | torch.Tensor,
    *,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    epochs: int,
    batch_size: int,
    noise_multiplier: float,
    max_grad_norm: float,
    lr: float,
    delta: float,
    seed: int = 0,
    momentum: float = 0.0,
    device: str | None = None,
    evaluate: Callable[[nn.Module], float] | None = None,
) -> DPSGDResult:
    """Train ``model`` with DP-SGD: each step samples rows with rate ``batch_size/N``
    (Poisson), clips per-sample gradients to ``max_grad_norm``, adds Gaussian noise of
    deviation ``noise_multiplier · max_grad_norm`` and takes an SGD step. Returns the
    history (mean loss per epoch and, if ``evaluate`` is given, its value per epoch) and
    the ε spent at ``delta``."""
    target = resolve_device(device)
    model.to(target)
    features = torch.as_tensor(x, dtype=torch.float32).to(target)
    labels = torch.as_tensor(y).to(target)
    n = len(features)
    sample_rate = batch_size / n
    if not 0 < sample_rate <= 1:
        raise ValueError(f"batch_size must lie in 1..{n}, got {batch_size}")
    steps_per_epoch = max(1, round(1 / sample_rate))
    generator = torch.Generator().manual_seed(seed)
    optimiser = torch.optim.SGD(model.parameters(), lr=positive(lr, "lr"), momentum=momentum)
    accountant = RDPAccountant()
    history: dict[str, list[float]] = {"loss": [], "metric": []}
    for _ in range(epochs):
        losses = []
        for batch in poisson_batches(n, sample_rate, steps_per_epoch, generator):
            accountant.step(noise_multiplier=noise_multiplier, sample_rate=sample_rate)
            batch = batch.to(target)
            if len(batch):
                grads, sample_losses = per_sample_gradients_and_losses(
                    model, loss_fn, features[batch], labels[batch]
                )
                summed = clipped_sum(grads, max_grad_norm)
                losses.append(float(sample_losses.mean()))
            else:  # an empty Poisson batch still releases pure noise
                summed = {name: torch.zeros_like(p) for name, p in model.named_parameters()}
            noisy = noisy_mean_gradient(
                summed,
                noise_multiplier=noise_multiplier,
                max_norm=max_grad_norm,
                expected_batch_size=sample_rate * n,
                generator=generator,
            )
            for name, parameter in model.named_parameters():
                parameter.grad = noisy[name]
            optimiser.step()
        history["loss"].append(float(np.mean(losses)) if losses else float("nan"))
        if evaluate is not None:
            model.eval()
            history["metric"].append(float(evaluate(model)))
            model.train()
    return DPSGDResult(model, accountant.get_epsilon(delta), delta, history, accountant)
