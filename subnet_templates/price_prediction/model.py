"""The price_prediction miner's forecaster: a small MLP from a window of recent prices to the next few.

Inputs are log prices relative to the latest one (so the level of the market does not matter), scaled to
order one; outputs are the log returns from the latest price to each of the next HORIZON steps.
"""

from __future__ import annotations

import math

import torch
from torch import nn

WINDOW = 48
HORIZON = 8
SCALE = 50.0  # log-price moves are ~0.02; ×50 brings them to order one for training


class Forecaster(nn.Module):
    def __init__(self, hidden: int = 64) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(WINDOW, hidden), nn.GELU(), nn.Linear(hidden, hidden), nn.GELU(),
                                 nn.Linear(hidden, HORIZON))

    def forward(self, relative_log_prices: torch.Tensor) -> torch.Tensor:
        """(batch, WINDOW) scaled relative log prices → (batch, HORIZON) scaled log returns."""
        return self.net(relative_log_prices)


def features(window_prices: list[float] | torch.Tensor) -> torch.Tensor:
    """The model's input for one window of WINDOW positive prices, oldest first."""
    logs = torch.log(torch.as_tensor(window_prices, dtype=torch.float64))
    return ((logs - logs[-1]) * SCALE).to(torch.float32)


@torch.no_grad()
def forecast(model: Forecaster, window_prices: list[float], horizon: int) -> float:
    """The price `horizon` steps (1..HORIZON) after the last one of `window_prices`."""
    if not 1 <= horizon <= HORIZON:
        raise ValueError(f"horizon must be 1..{HORIZON}, got {horizon}")
    if len(window_prices) != WINDOW:
        raise ValueError(f"need exactly {WINDOW} prices, got {len(window_prices)}")
    model.eval()
    scaled_return = model(features(window_prices).unsqueeze(0))[0, horizon - 1].item()
    return float(window_prices[-1] * math.exp(scaled_return / SCALE))
