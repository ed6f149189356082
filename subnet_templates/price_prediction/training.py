"""Training the price_prediction miner's forecaster on past markets, and caching it on disk.

A miner never sees the validator's feed seed: it learns the market's dynamics from a history of its own
(TRAIN_SEED_BASE + its seed), then forecasts the live feed from the windows the validator sends. The quality
knob is the number of training steps (and the hidden width). Fixed seeds make a setting train to the same
weights every time; the cache is a state_dict read back with `weights_only=True`, never a pickle of code.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch.nn import functional

from subnet_templates import model_cache

from .feed import log_prices
from .model import HORIZON, SCALE, WINDOW, Forecaster

FORMAT = 1  # bump when the model or the feed changes, so old cache entries are not read
TRAIN_SEED_BASE = 1_000_000  # training markets live far from any seed a validator would pick by hand
TRAIN_STEPS_OF_HISTORY = 20_000


@dataclass(frozen=True)
class TrainConfig:
    steps: int = 400
    hidden: int = 64
    batch: int = 128
    lr: float = 1e-3
    seed: int = 0

    def key(self) -> str:
        return model_cache.settings_key({"format": FORMAT, **asdict(self)})


def windows_and_targets(logs: np.ndarray, starts: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    """Model inputs and targets for windows of `logs` beginning at `starts` (scaled like model.features)."""
    index = starts[:, None] + np.arange(WINDOW + HORIZON)[None, :]
    chunk = logs[index]
    last = chunk[:, WINDOW - 1:WINDOW]
    inputs = (chunk[:, :WINDOW] - last) * SCALE
    targets = (chunk[:, WINDOW:] - last) * SCALE
    return torch.tensor(inputs, dtype=torch.float32), torch.tensor(targets, dtype=torch.float32)


def train(config: TrainConfig) -> Forecaster:
    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    logs = log_prices(TRAIN_SEED_BASE + config.seed, 0, TRAIN_STEPS_OF_HISTORY)
    model = Forecaster(hidden=config.hidden)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    model.train()
    for _ in range(config.steps):
        starts = rng.integers(0, len(logs) - WINDOW - HORIZON, size=config.batch)
        inputs, targets = windows_and_targets(logs, starts)
        loss = functional.mse_loss(model(inputs), targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    return model


def load_or_train(config: TrainConfig, cache_dir: Path | None) -> Forecaster:
    """The model for `config`, from `cache_dir` when it was trained before, else trained and stored there."""
    path = None if cache_dir is None else Path(cache_dir) / f"price_mlp-{config.key()}.pt"
    return model_cache.load_or_train(path, lambda: Forecaster(hidden=config.hidden), lambda: train(config))
