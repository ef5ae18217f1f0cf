"""Benchmarks of the deep models (issue: deep models).

- DP-SGD epoch time on the digits MLP (64-50-50-10, batch 64, σ = 1.1, C = 1) against
  Opacus in the same process, median of N alternating epochs; target <= 1.0x, with ε equal
  to 1e-6 after the same number of steps;
- the quick-profile GAN: training time and MiFID of the baseline and improved variants.

Run: ``.venv/bin/python benchmarks/deep.py [--runs 5]`` (needs the test extras: opacus).
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings

import numpy as np
import torch
from torch import nn

from dplab.accounting import dpsgd_epsilon
from dplab.dpsgd import train
from dplab.student import StudentNet


def digits() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits

    data = load_digits()
    return data.data / 16.0, data.target


def opacus_epoch_runner(x: np.ndarray, y: np.ndarray, sigma: float, clip: float, batch: int) -> tuple:
    from opacus import PrivacyEngine

    torch.manual_seed(0)
    model = StudentNet()
    optimiser = torch.optim.SGD(model.parameters(), lr=0.5)
    dataset = torch.utils.data.TensorDataset(torch.as_tensor(x, dtype=torch.float32), torch.as_tensor(y))
    loader = torch.utils.data.DataLoader(dataset, batch_size=batch)
    engine = PrivacyEngine(accountant="rdp")
    model, optimiser, loader = engine.make_private(
        module=model,
        optimizer=optimiser,
        data_loader=loader,
        noise_multiplier=sigma,
        max_grad_norm=clip,
        poisson_sampling=True,
    )

    def epoch() -> None:
        for features, labels in loader:
            optimiser.zero_grad()
            if len(features):
                nn.functional.cross_entropy(model(features), labels).backward()
            optimiser.step()

    return epoch, engine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=5, help="epochs per timed run")
    args = parser.parse_args()
    torch.set_num_threads(1)
    warnings.simplefilter("ignore")
    x, y = digits()
    sigma, clip, batch = 1.1, 1.0, 64
    ours_times, opacus_times = [], []
    for run in range(args.runs):
        started = time.perf_counter()
        torch.manual_seed(run)
        train(
            StudentNet(),
            x,
            y,
            loss_fn=nn.functional.cross_entropy,
            epochs=args.epochs,
            batch_size=batch,
            noise_multiplier=sigma,
            max_grad_norm=clip,
            lr=0.5,
            delta=1e-5,
            seed=run,
        )
        ours_times.append((time.perf_counter() - started) / args.epochs)
        started = time.perf_counter()
        opacus_epoch, engine = opacus_epoch_runner(x, y, sigma, clip, batch)
        for _ in range(args.epochs):
            opacus_epoch()
        engine.get_epsilon(1e-5)
        opacus_times.append((time.perf_counter() - started) / args.epochs)
    ours, theirs = statistics.median(ours_times), statistics.median(opacus_times)
    print(
        f"DP-SGD epoch on digits ({len(x)} rows, batch {batch}, sigma {sigma}, C {clip}), one thread, "
        f"{args.epochs} epochs a run, setup and final epsilon included:"
    )
    print(f"  dplab  median {ours * 1e3:7.1f} ms  (runs: {', '.join(f'{t * 1e3:.0f}' for t in ours_times)})")
    print(
        f"  opacus median {theirs * 1e3:7.1f} ms  (runs: {', '.join(f'{t * 1e3:.0f}' for t in opacus_times)})"
    )
    print(f"  dplab / opacus = {ours / theirs:.2f}")
    # The same training history through both accountants.
    [(noise, rate, steps)] = engine.accountant.history
    ours_eps = dpsgd_epsilon(noise_multiplier=noise, sample_rate=rate, steps=steps, delta=1e-5)
    their_eps = engine.get_epsilon(1e-5)
    print(
        f"  epsilon of opacus's history (sigma {noise}, q {rate:.5f}, {steps} steps): dplab {ours_eps:.9f}, "
        f"opacus {their_eps:.9f}, difference {abs(ours_eps - their_eps):.1e}"
    )

    from dplab.gan import (
        GANConfig,
        digits_images,
        memorisation_threshold,
        mifid,
        train_feature_net,
        train_gan,
    )

    images, labels = digits_images(16)
    features = train_feature_net(images, labels, epochs=8, seed=1)
    real = features.features(images)
    threshold = memorisation_threshold(real)
    for name, config in (("baseline", GANConfig.baseline()), ("improved", GANConfig.improved())):
        started = time.perf_counter()
        run = train_gan(images, config, epochs=15, seed=2)
        seconds = time.perf_counter() - started
        score = mifid(features.features(run.sample(1000, seed=3)), real, threshold=threshold)
        print(
            f"quick-profile GAN {name}: 15 epochs in {seconds:.1f} s, "
            f"FID {score.fid:.2f}, MiFID {score.value:.2f}"
        )


if __name__ == "__main__":
    main()
