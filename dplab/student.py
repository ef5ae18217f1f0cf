"""The PATE student (day 22): a small PyTorch network trained on the labels the teachers'
noisy vote gave the local data, compared with the same network trained on other labels."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from matplotlib.figure import Figure
from torch import nn


class StudentNet(nn.Module):
    """The author's local network: 64 pixels → 50 → 50 → 10 classes, ReLU."""

    def __init__(self, n_inputs: int = 64, hidden: int = 50, n_classes: int = 10) -> None:
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(n_inputs, hidden),
            nn.ReLU(),
            nn.Linear(hidden, hidden),
            nn.ReLU(),
            nn.Linear(hidden, n_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x)


@dataclass(frozen=True)
class StudentRun:
    """One training run: loss and held-out accuracy after every epoch."""

    losses: np.ndarray
    test_accuracy: np.ndarray

    @property
    def final_accuracy(self) -> float:
        return float(self.test_accuracy[-1])


def train_student(
    x: np.ndarray,
    labels: np.ndarray,
    x_test: np.ndarray,
    y_test: np.ndarray,
    *,
    epochs: int = 100,
    batch_size: int = 32,
    lr: float = 1e-2,
    seed: int = 0,
) -> StudentRun:
    """Train a fresh `StudentNet` with Adam on ``(x, labels)``; measure on the test set.
    Seeded through its own generator, so it neither reads nor moves torch's global state."""
    if len(x) != len(labels) or len(x) == 0:
        raise ValueError(f"x has {len(x)} rows but labels has {len(labels)}")
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        model = StudentNet(x.shape[1])
    shuffle = torch.Generator().manual_seed(seed)
    features = torch.as_tensor(x, dtype=torch.float32)
    targets = torch.as_tensor(np.asarray(labels), dtype=torch.long)
    test_x = torch.as_tensor(x_test, dtype=torch.float32)
    test_y = torch.as_tensor(np.asarray(y_test), dtype=torch.long)
    optimiser = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    losses, accuracy = [], []
    for _ in range(epochs):
        model.train()
        total = 0.0
        for batch in torch.randperm(len(features), generator=shuffle).split(batch_size):
            optimiser.zero_grad()
            loss = loss_fn(model(features[batch]), targets[batch])
            loss.backward()
            optimiser.step()
            total += loss.item() * len(batch)
        losses.append(total / len(features))
        model.eval()
        with torch.no_grad():
            accuracy.append(float((model(test_x).argmax(1) == test_y).float().mean()))
    return StudentRun(np.array(losses), np.array(accuracy))


@dataclass(frozen=True)
class StudentComparison:
    """Students trained on different labelings of the same local data."""

    runs: dict[str, StudentRun]

    def plot(self) -> Figure:
        from dplab.plots import student_curves

        return student_curves(self)


def compare_students(
    x: np.ndarray,
    labelings: dict[str, np.ndarray],
    x_test: np.ndarray,
    y_test: np.ndarray,
    *,
    epochs: int = 100,
    seed: int = 0,
) -> StudentComparison:
    """Train one student per labeling, same initialisation and batches for all."""
    return StudentComparison(
        {
            name: train_student(x, labels, x_test, y_test, epochs=epochs, seed=seed)
            for name, labels in labelings.items()
        }
    )
